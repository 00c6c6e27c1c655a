import type { LevelEffect } from '@tlab/core';
import type { Effects } from '../models/effects.ts';
import { noPairedEffects } from '../views/effects-table.ts';
import { formatMeanInterval, formatP, formatSigned, formatSignedInterval, formatVerdict } from '../views/format.ts';
import { markdownTable } from './markdown.ts';

const testNames = { 'paired-t': 'paired t-test', wilcoxon: 'Wilcoxon signed-rank test' } as const;

/** The ablation page's effects table in Markdown, with the sentence that says how it was computed. */
export function effectsSection(effects: Effects, seedsSwept: boolean): string {
  if (effects.factors.length === 0) return 'Nothing was swept apart from seeds, so there are no effects to estimate.';
  const comparisons = effects.factors.flatMap((f) => f.levels.flatMap((l) => (l.comparison === null ? [] : [l.comparison])));
  if (comparisons.length === 0) return noPairedEffects;
  const tested = comparisons.filter((c) => c.p !== null).length;
  const method = [
    `Each level's runs are paired with the base run (the spec's value) of the same seed and the same other values, so seed noise and the other factors cancel in Δ = level − base.`,
    `The cell mean ± 95% CI is over the level's runs with every other factor at base (a t interval over n seeds).`,
    tested === 0
      ? 'No comparison could be tested (each rests on one seed, without stored predictions), so there are no p-values and every verdict is *no evidence*.'
      : `Δ's 95% CI is the paired t interval; p is the two-sided p of a ${testNames[effects.test]}, Holm-adjusted over ${tested === 1 ? 'the one tested comparison' : `all ${tested} tested comparisons`} of the experiment; the verdict is *better* or *worse* when that p is below α = ${effects.alpha}, else *no evidence* (which is not evidence of no effect).`,
    ...(comparisons.some((c) => c.test === 'mcnemar') ? ["A comparison resting on one seed uses McNemar's test on the two runs' stored validation predictions."] : []),
    ...(seedsSwept ? [] : ['Seeds were not swept, so each Δ rests on one pair of runs and has no confidence interval.']),
  ].join(' ');
  const rows = effects.factors.flatMap((factor) =>
    factor.levels.map((level, i) => [
      i === 0 ? `${factor.factor}${factor.balanced ? '' : ' (unbalanced)'}` : '',
      `${factor.labels[i]}${level.isBase ? ' (base)' : ''}`,
      level.cell === null ? '–' : formatMeanInterval(level.cell.mean, level.cell.confidenceInterval, level.cell.n),
      ...comparisonCells(level, effects),
    ]),
  );
  return [
    method,
    '',
    markdownTable(
      [
        { label: 'factor' },
        { label: 'level' },
        { label: 'mean ± 95% CI (n)', numeric: true },
        { label: 'Δ vs base', numeric: true },
        { label: '95% CI of Δ', numeric: true },
        { label: 'pairs', numeric: true },
        { label: 'p (Holm)', numeric: true },
        { label: 'verdict' },
      ],
      rows,
    ),
  ].join('\n');
}

function comparisonCells({ comparison: c, isBase }: LevelEffect, { metric }: Effects): string[] {
  if (c === null) return [isBase ? '' : 'no base run to pair with', '', '', '', ''];
  return [formatSigned(c.meanDifference), formatSignedInterval(c.confidenceInterval), String(c.pairs), formatP(c.pAdjusted), formatVerdict(c.verdict, metric.goal)];
}
