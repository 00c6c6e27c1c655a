import { html } from 'hono/html';
import type { ExperimentContext } from '../experiment-context.ts';
import type { Html } from './html.ts';
import type { Crumb } from './layout.ts';

const experimentTabs = ['leaderboard', 'ablation', 'parallel', 'live'] as const;
export type ExperimentTab = (typeof experimentTabs)[number];

const tabLabels: Record<ExperimentTab, string> = {
  leaderboard: 'Leaderboard',
  ablation: 'Ablation',
  parallel: 'Parallel coordinates',
  live: 'Live',
};

export function experimentPath(id: number, tab: ExperimentTab = 'leaderboard'): string {
  return tab === 'leaderboard' ? `/experiments/${id}` : `/experiments/${id}/${tab}`;
}

export function experimentCrumbs(context: ExperimentContext, tab: ExperimentTab): Crumb[] {
  return [{ label: context.record.name, href: experimentPath(context.record.id) }, { label: tabLabels[tab] }];
}

export function experimentHeader(context: ExperimentContext, current: ExperimentTab): Html {
  const { record, description, metric, paramKeys } = context;
  return html`<section class="experiment-head">
    <h1>${record.name}</h1>
    ${description === '' ? '' : html`<p class="description">${description}</p>`}
    <p class="muted">
      scored by <strong>${metric.name}</strong> (${metric.goal}) · swept:
      ${paramKeys.length === 0 ? 'nothing' : paramKeys.map((key, i) => html`${i > 0 ? ', ' : ''}<code>${key}</code>`)}
    </p>
    <nav class="tabs">
      ${experimentTabs.map(
        (tab) => html`<a href="${experimentPath(record.id, tab)}"${tab === current ? html` class="active" aria-current="page"` : ''}>${tabLabels[tab]}</a>`,
      )}
    </nav>
  </section>`;
}
