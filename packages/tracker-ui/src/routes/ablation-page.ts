import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppDeps } from '../app-deps.ts';
import type { ExperimentContext } from '../experiment-context.ts';
import { loadAblation, pageAblationRequest, type Ablation, type AblationGrid, type FactorSummary } from '../models/ablation.ts';
import { loadEffects, parseEffectsRequest, type Effects } from '../models/effects.ts';
import { filterInputName } from '../models/leaderboard.ts';
import { effectsTable } from '../views/effects-table.ts';
import { experimentCrumbs, experimentHeader, experimentPath } from '../views/experiment-header.ts';
import { formatNumber, formatSigned } from '../views/format.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';

export function ablationPage({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/experiments/:id/ablation', (c) => {
    const context = experiments.load(c.req.param('id'));
    // A heatmap choice the page cannot draw (the same factor twice) is said next to the form, not as an error page.
    const { request, notice } = pageAblationRequest(context, c.req.query());
    const ablation = loadAblation(reader, context, request);
    const effects = loadEffects(reader, context, parseEffectsRequest(c.req.query()));
    return c.html(
      page({
        title: `${context.record.name} ablation`,
        crumbs: experimentCrumbs(context, 'ablation'),
        body: html`${experimentHeader(context, 'ablation')}${ablationBody(context, ablation, effects, notice)}`,
      }),
    );
  });
}

function ablationBody(context: ExperimentContext, ablation: Ablation, effects: Effects, notice: string | null): Html {
  const { metric } = ablation;
  if (ablation.factors.length === 0) return html`<p class="muted">Nothing was swept apart from seeds, so there is nothing to ablate.</p>`;
  const better = metric.goal === 'maximize' ? 'higher' : 'lower';
  return html`<p class="lead">
      <strong>${metric.key}</strong> (${better} is better) at each level of each swept factor, averaged over every other
      factor and seed; <strong>Δ</strong> is the change against the spec's base value. Seed noise, the std of runs
      about their own setting's mean (pooled over every setting), is
      <strong class="seed-noise">${ablation.seedStd === null ? 'unknown: no setting ran under two seeds' : `± ${formatNumber(ablation.seedStd)}`}</strong>:
      a spread of level means much smaller than that is noise, whatever the ranking says.
    </p>
    ${summaryTable(ablation)}
    <section class="effects-section">
      <h2>Effects against the base, paired over seeds</h2>
      <p class="muted">
        Each level's runs are paired with the base run of the same seed and the same other values, so seed noise and the
        other factors cancel in Δ; the cell is the level with every other factor at base. ${effects.test === 'wilcoxon' ? 'Wilcoxon signed-rank' : 'Paired t'} tests,
        Holm-adjusted over the experiment (<a href="?test=${effects.test === 'wilcoxon' ? 'paired-t' : 'wilcoxon'}">use ${effects.test === 'wilcoxon' ? 'paired t' : 'Wilcoxon'}</a>).
      </p>
      ${effectsTable(effects)}
    </section>
    <div class="factor-grid">${ablation.factors.map((factor) => factorCard(factor, metric.goal, barScale(ablation)))}</div>
    ${ablation.grid === null ? '' : gridSection(context, ablation, ablation.grid, notice)}`;
}

/** The factors by how far each moves the metric: the answer to "what helps, and by how much". */
function summaryTable({ factors }: Ablation): Html {
  const ranked = [...factors].sort((a, b) => (b.spread ?? -1) - (a.spread ?? -1));
  return html`<table class="summary">
    <thead><tr><th>factor</th><th>base</th><th>best level</th><th class="number">best vs base</th><th class="number">spread (best − worst)</th></tr></thead>
    <tbody>
      ${ranked.map((factor) => {
        const best = factor.levels.find((l) => l.label === factor.bestLevel);
        return html`<tr>
          <td><a href="#factor-${factor.key}"><code>${factor.key}</code></a></td>
          <td>${factor.base?.label ?? '–'}</td>
          <td>${factor.bestLevel ?? html`<span class="muted">no difference</span>`}</td>
          <td class="number delta">${best === undefined || best.isBase ? '' : formatSigned(best.delta)}</td>
          <td class="number">${formatNumber(factor.spread)}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

/** Bars from zero on one scale for the whole page, so their lengths compare across factors too. */
function barScale({ factors }: Ablation): number {
  return Math.max(0, ...factors.flatMap((f) => f.levels.flatMap((l) => (l.mean === null ? [] : [Math.abs(l.mean)]))));
}

function factorCard(factor: FactorSummary, goal: 'maximize' | 'minimize', scale: number): Html {
  const barWidth = (mean: number | null): number => (mean === null || scale === 0 ? 0 : (100 * Math.abs(mean)) / scale);
  return html`<section class="factor" id="factor-${factor.key}" data-factor="${factor.key}">
    <h2><code>${factor.key}</code></h2>
    <p class="muted">
      base ${factor.base === null ? 'unknown' : html`<strong>${factor.base.label}</strong>${factor.baseSwept ? '' : ' (not among the swept levels, so no Δ)'}`}
      · spread of level means <strong>${formatNumber(factor.spread)}</strong>
${factor.bestLevel === null ? '' : html` · best <strong>${factor.bestLevel}</strong>`}
      ${factor.binned ? ' · continuous values, shown in ranges' : ''}
    </p>
    <table class="levels">
      <thead><tr><th>level</th><th title="std over the level's runs: other factors' effects included">mean ± std of runs</th><th class="number" title="pooled std of the level's runs about their own setting's mean">seed std</th><th>n</th><th>Δ vs base</th><th class="bar-cell"></th></tr></thead>
      <tbody>
        ${factor.levels.map(
          (level) => html`<tr${level.isBase ? html` class="base"` : ''}>
            <td>${level.label}${level.isBase ? html` <span class="tag">base</span>` : ''}</td>
            <td class="number metric">${formatNumber(level.mean)}${level.std === null ? '' : html` <span class="muted">± ${formatNumber(level.std)}</span>`}</td>
            <td class="number">${formatNumber(level.seedStd)}</td>
            <td class="number" title="runs with a value / runs${level.failed > 0 ? `; ${level.failed} failed` : ''}">${level.n}/${level.runs}${level.failed > 0 ? html` <span class="status status-failed">${level.failed} failed</span>` : ''}</td>
            <td class="number delta${deltaClass(level.delta, goal)}">${level.isBase ? '' : formatSigned(level.delta)}</td>
            <td class="bar-cell"><span class="bar" style="width: ${barWidth(level.mean).toFixed(1)}%"></span></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/**
 * The leaderboard filtered to a heatmap cell's runs; null when a level cannot be written as a filter
 * (a range of a continuous factor, or a mapping such as an augment object).
 */
function cellHref(context: ExperimentContext, ablation: Ablation, grid: AblationGrid, x: string, y: string): string | null {
  const filterable = (key: string, label: string) => ablation.factors.find((f) => f.key === key)?.binned !== true && !/^[[{]/.test(label);
  if (!filterable(grid.x, x) || !filterable(grid.y, y)) return null;
  const query = new URLSearchParams([
    [filterInputName(`param:${grid.x}`), `=${x}`],
    [filterInputName(`param:${grid.y}`), `=${y}`],
  ]);
  return `${experimentPath(context.record.id)}?${query.toString()}`;
}

function deltaClass(delta: number | null, goal: 'maximize' | 'minimize'): string {
  if (delta === null || Math.abs(delta) < 1e-12) return '';
  return (delta > 0) === (goal === 'maximize') ? ' better' : ' worse';
}

function gridSection(context: ExperimentContext, ablation: Ablation, grid: AblationGrid, notice: string | null): Html {
  const cell = new Map(grid.cells.map((c) => [`${c.x}\u0000${c.y}`, c]));
  const means = grid.cells.flatMap((c) => (c.mean === null ? [] : [c.mean]));
  const [low, high] = [Math.min(...means), Math.max(...means)];
  // Darker is better whatever the goal, so the eye goes to the best corner.
  const strength = (mean: number): number => {
    const t = high === low ? 1 : (mean - low) / (high - low);
    return ablation.metric.goal === 'maximize' ? t : 1 - t;
  };
  const options = (selected: string): Html =>
    html`${context.factors.map((key) => html`<option value="${key}"${key === selected ? html` selected` : ''}>${key}</option>`)}`;
  return html`<section class="heatmap-section">
    <h2>${grid.y} × ${grid.x}</h2>
    <form class="inline" method="get" action="${experimentPath(context.record.id, 'ablation')}">
      <label>rows <select name="y">${options(grid.y)}</select></label>
      <label>columns <select name="x">${options(grid.x)}</select></label>
      <button type="submit">Show</button>
    </form>
    ${notice === null ? '' : html`<p class="notice" role="alert">${notice}; showing ${grid.y} × ${grid.x} instead.</p>`}
    <table class="heatmap">
      <thead>
        <tr><th class="corner"><code>${grid.y}</code> ↓ · <code>${grid.x}</code> →</th>${grid.xLevels.map((x) => html`<th>${x}</th>`)}</tr>
      </thead>
      <tbody>
        ${grid.yLevels.map(
          (y) => html`<tr>
            <th>${y}</th>
            ${grid.xLevels.map((x) => {
              const c = cell.get(`${x}\u0000${y}`);
              if (c === undefined || c.mean === null) return html`<td class="empty-cell">${c === undefined ? 'no runs' : `${c.runs} runs, no value`}</td>`;
              const s = strength(c.mean);
              const content = html`<div class="heat-mean">${formatNumber(c.mean)}</div>
                <div class="heat-detail">${c.std === null ? '' : `± ${formatNumber(c.std)} · `}n=${c.n}</div>`;
              const href = cellHref(context, ablation, grid, x, y);
              return html`<td class="heat${s > 0.55 ? ' dark' : ''}" style="background: hsl(215, 75%, ${(94 - s * 52).toFixed(1)}%)">
                ${href === null ? content : html`<a class="heat-link" href="${href}" title="these runs on the leaderboard">${content}</a>`}
              </td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
