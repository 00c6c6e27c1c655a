import type { EpochRecord, ResultsReader, RunConfusion, RunRow } from '@tlab/core';
import type { ExperimentContexts } from '../experiment-context.ts';
import type { ExperimentMetric } from '@tlab/core';
import { notFound } from '../http-error.ts';

export interface RunDetail {
  readonly run: RunRow;
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  readonly epochs: readonly EpochRecord[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly confusion: RunConfusion | null;
  /** Changes when the run's status changes or an epoch lands; a page of an unfinished run polls it. */
  readonly version: string;
  /** Whether the run may still change: queued or running. */
  readonly live: boolean;
}

export function loadRunDetail(reader: ResultsReader, experiments: ExperimentContexts, id: string): RunDetail {
  const run = reader.getRun(id);
  if (run === undefined) throw notFound(`run ${id}`);
  const { record, metric } = experiments.load(run.experimentId);
  const epochs = reader.epochsOf(id);
  return {
    run,
    experiment: { id: record.id, name: record.name },
    metric,
    epochs,
    metrics: reader.metricsOf(id),
    confusion: reader.confusionOf(id) ?? null,
    version: `${run.status}:${run.attempts}:${epochs.length}`,
    live: run.status === 'queued' || run.status === 'running',
  };
}
