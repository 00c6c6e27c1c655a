import { html } from 'hono/html';
import type { LevelComparison } from '@tlab/core';
import type { Effects } from '../models/effects.ts';
import { forestExtent, verdictColours } from './forest-option.ts';
import { formatMeanInterval, formatP, formatSigned, formatSignedInterval, formatVerdict } from './format.ts';
import type { Html } from './html.ts';

const plotWidth = 240;
const plotHeight = 18;

export const noPairedEffects = 'No level has a run to pair with a base run (same seed, same other values), so there are no paired effects.';

/** Each level's paired effect against the base, with its 95% interval drawn as a forest plot on one axis (forestExtent) for the whole table. */
export function effectsTable({ factors, metric, test, alpha }: Effects): Html {
  const compared = factors.flatMap((f) => f.levels.flatMap((l) => (l.comparison === null ? [] : [l.comparison])));
  if (compared.length === 0) {
    return html`<p class="muted">${noPairedEffects}</p>`;
  }
  const { low, high } = forestExtent(compared);
  const x = (value: number): number => (high === low ? plotWidth / 2 : 6 + ((value - low) / (high - low)) * (plotWidth - 12));
  return html`<table class="effects">
    <thead>
      <tr>
        <th>factor</th><th>level</th><th class="number">cell mean ± 95% CI (seeds)</th><th class="number">Δ vs base</th>
        <th class="number">95% CI of Δ</th><th class="number">pairs</th><th class="number">p (Holm)</th><th>verdict at α = ${alpha}</th>
        <th>Δ, ${formatSigned(low)} to ${formatSigned(high)}</th>
      </tr>
    </thead>
    <tbody>
      ${factors.flatMap((factor) =>
        factor.levels.map(
          (level, i) => html`<tr${level.isBase ? html` class="base"` : ''}>
            <td>${i === 0 ? html`<code>${factor.factor}</code>${factor.balanced ? '' : html` <span class="tag" title="levels have different numbers of pairs">unbalanced</span>`}` : ''}</td>
            <td>${factor.labels[i]}${level.isBase ? html` <span class="tag">base</span>` : ''}</td>
            <td class="number">${level.cell === null ? '–' : formatMeanInterval(level.cell.mean, level.cell.confidenceInterval, level.cell.n)}</td>
            ${level.comparison === null ? html`<td colspan="6" class="muted">${level.isBase ? '' : 'no base run to pair with'}</td>` : comparisonCells(level.comparison, test, metric.goal, x)}
          </tr>`,
        ),
      )}
    </tbody>
  </table>`;
}

function comparisonCells(c: LevelComparison, test: string, goal: 'maximize' | 'minimize', x: (value: number) => number): Html {
  const interval = c.confidenceInterval;
  const verdictClass = c.verdict === 'no evidence' ? '' : c.verdict === 'better' ? ' better' : ' worse';
  const colour = verdictColours[c.verdict];
  const testName = c.test === 'mcnemar' ? 'McNemar (one seed)' : (c.test ?? test);
  return html`<td class="number delta${verdictClass}">${formatSigned(c.meanDifference)}</td>
    <td class="number">${formatSignedInterval(interval)}</td>
    <td class="number">${c.pairs}</td>
    <td class="number" title="${testName}; unadjusted ${formatP(c.p)}">${formatP(c.pAdjusted)}</td>
    <td class="delta${verdictClass}">${formatVerdict(c.verdict, goal)}</td>
    <td>
      <svg class="forest" width="${plotWidth}" height="${plotHeight}" viewBox="0 0 ${plotWidth} ${plotHeight}" role="img" aria-label="Δ ${formatSigned(c.meanDifference)}">
        <line x1="${x(0).toFixed(1)}" y1="0" x2="${x(0).toFixed(1)}" y2="${plotHeight}" stroke="#94a3b8" stroke-dasharray="2 2" />
        ${interval === null ? '' : html`<line x1="${x(interval.lower).toFixed(1)}" y1="9" x2="${x(interval.upper).toFixed(1)}" y2="9" stroke="${colour}" stroke-width="2" />`}
        <circle cx="${x(c.meanDifference).toFixed(1)}" cy="9" r="4" fill="${colour}" />
      </svg>
    </td>`;
}
