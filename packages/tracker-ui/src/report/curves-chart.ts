import { formatValue, type LeaderboardRow, type ResultsReader } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import { loadComparison, maxCompared } from '../models/compare.ts';
import { curveOption, labelCharWidth, palette } from '../views/curve-option.ts';
import { shownDigits } from '../views/param-chips.ts';
import { settingCurve } from '../views/setting-curves.ts';
import type { SvgChart } from './render-svg.ts';

const plotWidth = 640;

/**
 * The validation curve of the experiment's metric (val_loss for a loss, else val_accuracy) for the
 * leaderboard's first `maxCompared` settings, mean over each one's finished seeds with a ± std band,
 * as the compare page draws them; null when none has an epoch.
 */
export function curvesChart(reader: ResultsReader, context: ExperimentContext, rows: readonly LeaderboardRow[]): SvgChart | null {
  const settings = rows.slice(0, maxCompared).map((row) => row.members.filter((m) => m.status === 'done').map((m) => m.id));
  const compared = loadComparison(reader, settings).settings;
  if (compared.every((setting) => setting.curve.length === 0)) return null;
  const [field, yName] = context.metric.name.endsWith('loss') ? (['valLoss', 'val_loss'] as const) : (['valAccuracy', 'val_accuracy'] as const);
  const labels = compared.map((setting) => settingLabel(setting.params));
  const series = compared.map((setting, i) => settingCurve(setting, field, labels[i]!, palette[i % palette.length]!));
  const title = context.seedsSwept ? `${yName} per epoch, mean over seeds (band: ± std)` : `${yName} per epoch`;
  const legendWidth = Math.min(440, 48 + labelCharWidth * Math.max(...labels.map((label) => label.length)));
  const option = curveOption(title, yName, series);
  return {
    // A legend of whole settings is wider than the pages' chart: it goes beside the plot, naming only the curves, not their bands.
    option: {
      ...option,
      legend: { data: labels, orient: 'vertical', left: plotWidth, top: 40, textStyle: { width: legendWidth - 48, overflow: 'truncate' } },
      grid: { left: 56, width: plotWidth - 56 - 24, top: 40, bottom: 40 },
    },
    width: plotWidth + legendWidth,
    height: Math.max(360, 80 + 22 * labels.length),
  };
}

function settingLabel(params: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'base config' : entries.map(([key, value]) => `${key}=${formatValue(value, { significant: shownDigits })}`).join(', ');
}
