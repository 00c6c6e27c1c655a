import type { EpochRecord, ResultsReader, RunConfusion, RunRow, StoredPrediction } from '@tlab/core';
import type { ExperimentContexts } from '../experiment-context.ts';
import { historyMetrics, type ExperimentMetric } from '@tlab/core';
import { notFound } from '../http-error.ts';
import { sameJson } from './json-values.ts';

export interface RunDetail {
  readonly run: RunRow;
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  readonly epochs: readonly EpochRecord[];
  /** Stored when the run finished; for a run still going (or stopped), computed from the epochs so far. */
  readonly metrics: Readonly<Record<string, number>>;
  /** True when `metrics` come from the epochs so far rather than a finished run. */
  readonly provisional: boolean;
  /** Validation images the checkpointed model got wrong (at most `mistakesShown`), and how many there are. */
  readonly mistakes: { readonly total: number; readonly shown: readonly StoredPrediction[] };
  /** The other runs of the same setting (every swept value equal but the seed), in variant order. */
  readonly siblings: ReadonlyArray<{ readonly id: string; readonly seed: number; readonly status: RunRow['status'] }>;
  readonly confusion: RunConfusion | null;
  /** Changes when the run's status changes or an epoch lands; a page of an unfinished run polls it. */
  readonly version: string;
  /** Whether the run may still change: queued or running. */
  readonly live: boolean;
}

/** Enough thumbnails to see a pattern in the errors without a page of hundreds. */
export const mistakesShown = 48;

function mistakesOf(predictions: readonly StoredPrediction[]): RunDetail['mistakes'] {
  const wrong = predictions.filter((p) => p.predicted !== p.label);
  return { total: wrong.length, shown: wrong.slice(0, mistakesShown) };
}

const withoutSeed = (params: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(params).filter(([key]) => key !== 'seed'));

/** A finished run's stored metrics; otherwise the same rule applied to the epochs that have landed. */
function metricsOf(reader: ResultsReader, run: RunRow, epochs: readonly EpochRecord[], metric: ExperimentMetric) {
  const stored = reader.metricsOf(run.id);
  if (run.status === 'done' || epochs.length === 0) return { metrics: stored, provisional: false };
  return { metrics: historyMetrics(epochs, metric), provisional: true };
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
    ...metricsOf(reader, run, epochs, metric),
    mistakes: mistakesOf(reader.predictionsOf(id)),
    siblings: reader
      .runsOf(run.experimentId)
      .filter((other) => other.id !== run.id && sameJson(withoutSeed(other.params), withoutSeed(run.params)))
      .map((other) => ({ id: other.id, seed: other.seed, status: other.status })),
    confusion: reader.confusionOf(id) ?? null,
    version: `${run.status}:${run.attempts}:${epochs.length}`,
    live: run.status === 'queued' || run.status === 'running',
  };
}
