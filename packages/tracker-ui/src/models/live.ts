import type { EpochRecord, ResultsReader, RunningRun, SweepProgress } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import type { ExperimentMetric } from '@tlab/core';

export interface LiveSweep extends SweepProgress {
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  readonly total: number;
  /** Runs that will not train again without a new sweep: done or failed. */
  readonly finished: number;
  /** Finished runs plus the finished share of each running one's epochs, over all runs: 0 to 1. */
  readonly progress: number;
  readonly running: ReadonlyArray<RunningRun & { readonly epochs: readonly EpochRecord[] }>;
}

const recentLimit = 10;

export function loadLive(reader: ResultsReader, context: ExperimentContext): LiveSweep {
  const { record, metric } = context;
  const sweep = reader.progress(record.id, metric.key, recentLimit);
  const counts = sweep.statusCounts;
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return {
    ...sweep,
    experiment: { id: record.id, name: record.name },
    metric,
    total,
    finished: counts.done + counts.failed,
    progress: total === 0 ? 0 : (counts.done + counts.failed + sweep.running.reduce((sum, run) => sum + Math.min(1, run.epochsDone / run.epochsPlanned), 0)) / total,
    running: sweep.running.map((run) => ({ ...run, epochs: reader.epochsOf(run.id) })),
  };
}
