import type { EffectVerdict, LevelComparison } from '@tlab/core';
import { labelCharWidth } from './curve-option.ts';

/** A verdict's colour, in the ablation page's table and the report's forest plot alike. */
export const verdictColours: Readonly<Record<EffectVerdict, string>> = { better: '#15803d', worse: '#b91c1c', 'no evidence': '#64748b' };

/**
 * One Δ axis for a whole forest plot: it spans every interval and zero (marked, not forced to an
 * edge), so 0.921 against 0.946 is a visible gap rather than two equal bars.
 */
export function forestExtent(comparisons: readonly LevelComparison[]): { readonly low: number; readonly high: number } {
  const ends = comparisons.flatMap((c) => [c.meanDifference, c.confidenceInterval?.lower ?? c.meanDifference, c.confidenceInterval?.upper ?? c.meanDifference, 0]);
  return { low: Math.min(...ends), high: Math.max(...ends) };
}

export interface ForestRow {
  /** E.g. `head.dropout = 0.5`. */
  readonly label: string;
  readonly comparison: LevelComparison;
}

/**
 * An echarts option drawing each row's Δ as a dot in its verdict's colour and its 95% interval as
 * a line, top to bottom, with zero dashed; plain JSON like curveOption. Rows are placed by index,
 * so two labels that round alike stay two rows.
 */
export function forestOption(title: string, xName: string, rows: readonly ForestRow[]): object {
  const { low, high } = forestExtent(rows.map((row) => row.comparison));
  // Room past the extent keeps the end dots off the frame and zero off the edge, where its label would be hidden.
  const pad = (high - low) / 20;
  const colour = (row: ForestRow) => verdictColours[row.comparison.verdict];
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { fontSize: 13, fontWeight: 600 } },
    grid: { left: 16 + labelCharWidth * Math.max(...rows.map((row) => row.label.length)), right: 24, top: 40, bottom: 48 },
    xAxis: {
      type: 'value',
      name: xName,
      nameLocation: 'middle',
      nameGap: 28,
      // The padded extent ends on odd values: ticks stay round, the end labels are left out.
      ...(high > low ? { min: low - pad, max: high + pad, axisLabel: { showMinLabel: false, showMaxLabel: false } } : {}),
    },
    yAxis: { type: 'category', inverse: true, data: rows.map((row) => row.label), axisTick: { show: false } },
    series: [
      {
        type: 'lines',
        coordinateSystem: 'cartesian2d',
        silent: true,
        data: rows.flatMap((row, i) => {
          const interval = row.comparison.confidenceInterval;
          return interval === null ? [] : [{ coords: [[interval.lower, i], [interval.upper, i]], lineStyle: { color: colour(row), width: 2, opacity: 1 } }];
        }),
      },
      {
        type: 'scatter',
        symbolSize: 9,
        data: rows.map((row, i) => ({ value: [row.comparison.meanDifference, i], itemStyle: { color: colour(row) } })),
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#94a3b8', type: 'dashed' }, data: [{ xAxis: 0 }] },
      },
    ],
  };
}
