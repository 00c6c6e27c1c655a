import { Hono } from 'hono';
import { html } from 'hono/html';
import { formatValue } from '@tlab/core';
import type { AppDeps } from '../app-deps.ts';
import { loadComparison, parseRunIds, type Comparison, type ConfigRow } from '../models/compare.ts';
import { chart } from '../views/chart.ts';
import { curveOption, palette } from '../views/curve-option.ts';
import { epochSeries } from '../views/epoch-charts.ts';
import { experimentPath } from '../views/experiment-header.ts';
import { formatDuration, formatNumber } from '../views/format.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';
import { paramChips } from '../views/param-chips.ts';
import { statusBadge } from '../views/status.ts';

export function comparePage({ reader }: AppDeps): Hono {
  return new Hono().get('/compare', (c) => {
    const comparison = loadComparison(reader, parseRunIds(c.req.queries('run') ?? []));
    return c.html(page({ title: 'compare runs', crumbs: [{ label: `compare ${comparison.runs.length} runs` }], charts: true, body: compareBody(comparison) }));
  });
}

function compareBody({ runs, differences, same }: Comparison): Html {
  const { accuracy, loss } = epochSeries(runs.map((run) => ({ name: run.id.slice(0, 8), epochs: run.epochs })));
  const swatch = (i: number): Html => html`<span class="swatch" style="background: ${palette[i % palette.length]}"></span>`;
  return html`<h1>Compare ${runs.length} runs</h1>
    <table class="compare-runs">
      <thead><tr><th>run</th><th>experiment</th><th>swept values</th><th>seed</th><th>status</th><th>best val_accuracy</th><th>final val_accuracy</th><th>epochs</th><th>wall time</th></tr></thead>
      <tbody>
        ${runs.map(
          (run, i) => html`<tr>
            <td>${swatch(i)}<a href="/runs/${run.id}"><code>${run.id}</code></a></td>
            <td><a href="${experimentPath(run.experiment.id)}">${run.experiment.name}</a></td>
            <td>${paramChips(run.params)}</td>
            <td class="number">${run.seed}</td>
            <td>${statusBadge(run.status)}</td>
            <td class="number metric">${formatNumber(run.metrics['best_val_accuracy'])}</td>
            <td class="number metric">${formatNumber(run.metrics['final_val_accuracy'])}</td>
            <td class="number">${run.epochs.length}</td>
            <td class="number">${formatDuration(run.metrics['wall_seconds'])}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="muted">Each run in its colour above: validation solid, training dashed.</p>
    <div class="chart-grid">
      ${chart('compare-accuracy-chart', curveOption('accuracy per epoch', 'accuracy', accuracy, { legend: false }), { height: 360 })}
      ${chart('compare-loss-chart', curveOption('loss per epoch', 'loss', loss, { legend: false }), { height: 360 })}
    </div>
    <h2>Config differences</h2>
    ${differences.length === 0 ? html`<p class="muted">The configs are identical.</p>` : diffTable(runs.map((r) => r.id), differences, true)}
    <details>
      <summary>${same.length} settings identical in all runs</summary>
      ${diffTable(runs.map((r) => r.id), same, false)}
    </details>`;
}

function diffTable(ids: readonly string[], rows: readonly ConfigRow[], highlight: boolean): Html {
  return html`<table class="diff${highlight ? ' differences' : ''}">
    <thead><tr><th>setting</th>${ids.map((id) => html`<th><code>${id}</code></th>`)}</tr></thead>
    <tbody>
      ${rows.map(
        (row) => html`<tr><th><code>${row.path}</code></th>${row.values.map(
          (value) => html`<td${highlight && !isMajority(value, row.values) ? html` class="differs"` : ''}>${formatValue(value)}</td>`,
        )}</tr>`,
      )}
    </tbody>
  </table>`;
}

/** In a row of differences, the values most runs share stay plain and the others are marked. */
function isMajority(value: unknown, values: readonly unknown[]): boolean {
  const key = (v: unknown): string => formatValue(v);
  const counts = new Map<string, number>();
  for (const v of values) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1);
  const top = Math.max(...counts.values());
  return counts.get(key(value)) === top && [...counts.values()].filter((c) => c === top).length === 1;
}
