import { experimentMetric, openResultsReader, type ExperimentMetric, type LeaderboardRow, type MetricSpec } from '@tlab/core';

/** What a sweep ends with: the best settings so far, and where to look further. */
export interface SweepSummary {
  readonly metric: ExperimentMetric;
  /** The top settings by the metric, seeds grouped (mean, std and n over a setting's seeds). */
  readonly leaders: readonly LeaderboardRow[];
  /** How many settings have a value of the metric. */
  readonly settings: number;
  readonly dbFile: string;
}

/** How many settings a sweep's closing table lists. */
export const leadersShown = 5;

/** The experiment's leaderboard, read back from the store the sweep wrote: the closing words agree with the UI. */
export function summarizeSweep(dbFile: string, experiment: string, metric: MetricSpec): SweepSummary {
  const reader = openResultsReader(dbFile);
  try {
    const id = reader.listExperiments().find((e) => e.name === experiment)!.id;
    const scored = experimentMetric(metric);
    const { rows, total } = reader.leaderboard({
      experimentId: id,
      finalKey: scored.finalKey,
      bestKey: scored.bestKey,
      groupSeeds: true,
      sort: scored.bestKey === null ? 'final' : 'best',
      descending: metric.goal === 'maximize',
      filters: [{ column: 'n', operator: '>=', value: 1 }],
      limit: leadersShown,
      offset: 0,
    });
    return { metric: scored, leaders: rows, settings: total, dbFile };
  } finally {
    reader.close();
  }
}
