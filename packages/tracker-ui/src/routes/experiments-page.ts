import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppDeps } from '../app-deps.ts';
import { listExperiments, type ExperimentListItem } from '../models/experiment-list.ts';
import { experimentPath } from '../views/experiment-header.ts';
import { formatNumber, formatTime } from '../views/format.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';
import { statusCounts } from '../views/status.ts';

export function experimentsPage({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/', (c) => {
    const items = listExperiments(reader, experiments);
    return c.html(page({ title: 'Experiments', body: experimentsBody(items, reader.file) }));
  });
}

function experimentsBody(items: readonly ExperimentListItem[], file: string): Html {
  return html`<h1>Experiments</h1>
    <p class="muted">Reading <code>${file}</code> (read-only).</p>
    ${items.length === 0
      ? html`<p class="empty">No experiments yet: run <code>npx nx run runner:sweep --spec experiments/quickstart.yaml</code> to train one.</p>`
      : html`<table class="experiments">
          <thead><tr><th>experiment</th><th class="number">variants</th><th>by status</th><th>metric</th><th class="number">best</th><th>last activity</th><th></th></tr></thead>
          <tbody>
            ${items.map(
              (e) => html`<tr>
                <td><a href="${experimentPath(e.id)}"><strong>${e.name}</strong></a>${e.description === '' ? '' : html`<div class="muted small">${e.description}</div>`}</td>
                <td class="number">${e.runCount}</td>
                <td>${statusCounts(e.statusCounts)}</td>
                <td><code>${e.metric.key}</code></td>
                <td class="number metric">${e.best === null ? '–' : html`<a href="/runs/${e.best.runId}">${formatNumber(e.best.value)}</a>`}</td>
                <td>${formatTime(e.lastActivityAt)}</td>
                <td class="links"><a href="${experimentPath(e.id, 'ablation')}">ablation</a> · <a href="${experimentPath(e.id, 'live')}">live</a></td>
              </tr>`,
            )}
          </tbody>
        </table>`}`;
}
