import { Hono } from 'hono';
import { html } from 'hono/html';
import { formatValue, timingKeys } from '@tlab/core';
import type { AppDeps } from '../app-deps.ts';
import { loadComparison, parseSettings, type ComparedSetting, type Comparison, type ConfigRow } from '../models/compare.ts';
import { chart } from '../views/chart.ts';
import { curveOption, palette, type CurveSeries } from '../views/curve-option.ts';
import { settingCurve } from '../views/setting-curves.ts';
import { formatDuration, formatNumber, formatSigned } from '../views/format.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';
import { paramChips } from '../views/param-chips.ts';

export function comparePage({ reader }: AppDeps): Hono {
  return new Hono().get('/compare', (c) => {
    const comparison = loadComparison(reader, parseSettings(c.req.queries('run') ?? []));
    const what = comparison.settings.some((s) => s.ids.length > 1) ? 'settings' : 'runs';
    return c.html(page({ title: `compare ${what}`, crumbs: [{ label: `compare ${comparison.settings.length} ${what}` }], charts: true, body: compareBody(comparison) }));
  });
}

function compareBody({ settings, differences, same }: Comparison): Html {
  const grouped = settings.some((s) => s.ids.length > 1);
  const swatch = (i: number): Html => html`<span class="swatch" style="background: ${palette[i % palette.length]}"></span>`;
  const metric = (setting: ComparedSetting, key: string): string => {
    const m = setting.metrics[key];
    return m === undefined ? '–' : m.std === null ? formatNumber(m.mean) : `${formatNumber(m.mean)} ± ${formatNumber(m.std)}`;
  };
  const baseline = settings[0]!.metrics['best_val_accuracy']?.mean;
  const names = settings.map((s) => (s.ids.length === 1 ? s.ids[0]!.slice(0, 8) : `${s.ids[0]!.slice(0, 8)} +${s.ids.length - 1}`));
  return html`<h1>Compare ${settings.length} ${grouped ? 'settings' : 'runs'}</h1>
    <table class="compare-runs">
      <thead>
        <tr><th>${grouped ? 'setting (runs)' : 'run'}</th><th>swept values</th><th>seeds</th><th>best val_accuracy${grouped ? ' (mean ± std)' : ''}</th><th>Δ vs first</th><th>final val_accuracy</th><th>epochs</th><th>train time</th></tr>
      </thead>
      <tbody>
        ${settings.map((setting, i) => {
          const best = setting.metrics['best_val_accuracy']?.mean;
          return html`<tr>
            <td>${swatch(i)}${setting.ids.map((id, j) => html`${j > 0 ? ', ' : ''}<a href="/runs/${id}"><code>${id}</code></a>`)}</td>
            <td>${paramChips(setting.params)}</td>
            <td class="number">${setting.seeds.join(', ')}</td>
            <td class="number metric">${metric(setting, 'best_val_accuracy')}</td>
            <td class="number">${i === 0 || best === undefined || baseline === undefined ? '' : formatSigned(best - baseline)}</td>
            <td class="number metric">${metric(setting, 'final_val_accuracy')}</td>
            <td class="number">${setting.curve.length}</td>
            <td class="number">${formatDuration(setting.metrics[timingKeys.train]?.mean)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    <p class="muted">Each ${grouped ? 'setting' : 'run'} in its colour above: validation solid, training dashed${grouped ? '; a band is ± one standard deviation over the setting\'s seeds' : ''}.</p>
    <div class="chart-grid">
      ${chart('compare-accuracy-chart', curveOption('accuracy per epoch', 'accuracy', settingCurves(settings, names, 'accuracy', 'valAccuracy'), { legend: false }), { height: 360 })}
      ${chart('compare-loss-chart', curveOption('loss per epoch', 'loss', settingCurves(settings, names, 'loss', 'valLoss'), { legend: false }), { height: 360 })}
    </div>
    <h2>Config differences</h2>
    ${differences.length === 0 ? html`<p class="muted">The configs are identical.</p>` : diffTable(names, differences, true)}
    <details>
      <summary>${same.length} settings identical in all ${grouped ? 'settings' : 'runs'}</summary>
      ${diffTable(names, same, false)}
    </details>`;
}

/** Mean validation (solid, with its ±std band) and training (dashed) curves, one colour per setting. */
function settingCurves(settings: readonly ComparedSetting[], names: readonly string[], train: 'accuracy' | 'loss', validation: 'valAccuracy' | 'valLoss'): CurveSeries[] {
  return settings.flatMap((setting, i) => {
    const color = palette[i % palette.length]!;
    return [
      settingCurve(setting, validation, `${names[i]} val`, color),
      { name: `${names[i]} train`, color, dashed: true, points: setting.curve.map((e) => [e.epoch, e[train].mean] as const) },
    ];
  });
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
