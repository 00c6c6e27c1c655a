import { metricValue, type EpochRecord, type ResultsReader, type RunningRun, type SweepProgress } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import type { ExperimentMetric } from '@tlab/core';

/** What a running run is doing now, for a progress bar and an ETA. */
export interface RunPhase {
  readonly kind: 'starting' | 'features' | 'train' | 'validate';
  /** Of the phase's batches; null before the run's first report. */
  readonly step: number | null;
  readonly steps: number | null;
  /** Images whose frozen features the run computed so far. */
  readonly computedImages: number;
  /**
   * Seconds left: of the feature pass (a group's first epoch), of the first epoch, or once an epoch
   * has landed of the whole run (an upper bound under early stopping); null where nothing supports a guess.
   */
  readonly etaSeconds: number | null;
  readonly etaOf: 'feature pass' | 'epoch' | 'run' | null;
}

export interface LiveSweep extends SweepProgress {
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  readonly total: number;
  /** Runs that will not train again without a new sweep: done or failed. */
  readonly finished: number;
  /** Finished runs plus the finished share of each running one's epochs, over all runs: 0 to 1. */
  readonly progress: number;
  readonly running: ReadonlyArray<RunningRun & { readonly epochs: readonly EpochRecord[]; readonly phase: RunPhase }>;
}

const recentLimit = 10;
/** Curves of the latest runs overlaid; more lines than this are a blur at the page's width. */
const curveLimit = 60;

export function loadLive(reader: ResultsReader, context: ExperimentContext): LiveSweep {
  const { record, metric } = context;
  const sweep = reader.progress(record.id, metric.key, { recent: recentLimit, curves: curveLimit });
  const counts = sweep.statusCounts;
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return {
    ...sweep,
    experiment: { id: record.id, name: record.name },
    metric,
    total,
    finished: counts.done + counts.failed,
    progress: total === 0 ? 0 : (counts.done + counts.failed + sweep.running.reduce((sum, run) => sum + Math.min(1, run.epochsDone / run.epochsPlanned), 0)) / total,
    running: sweep.running.map((run) => {
      const epochs = reader.epochsOf(run.id);
      return { ...run, epochs, phase: runPhase(run, epochs) };
    }),
  };
}

/**
 * Before its first epoch lands, a group's first run spends most of its time computing the frozen
 * features every later run reads from the cache (44 of 47 s on horse-or-human); its progress is
 * the epoch's steps, its ETA the steps left at the rate so far. Once an epoch has landed, the last
 * epoch's duration times the epochs left (the first epoch's includes the feature pass, so a mean
 * would overstate it).
 */
export function runPhase(run: RunningRun, epochs: readonly EpochRecord[]): RunPhase {
  const last = epochs.at(-1);
  // A report from the epoch that just landed says nothing about the next one.
  const p = run.progress !== null && run.progress.epoch === epochs.length + 1 ? run.progress : null;
  const kind = p === null ? (last === undefined ? 'starting' : 'train') : p.computedImages > 0 && last === undefined ? 'features' : p.phase;
  const base = { kind, step: p?.step ?? null, steps: p?.steps ?? null, computedImages: p?.computedImages ?? 0 } as const;
  if (last !== undefined) {
    const left = last.seconds * (run.epochsPlanned - epochs.length) - (p?.epochSeconds ?? 0);
    return { ...base, etaSeconds: Math.max(0, left), etaOf: 'run' };
  }
  // In epoch 1's validation the elapsed time includes the training phase: no rate to go by.
  if (p === null || p.phase === 'validate' || p.step === 0) return { ...base, etaSeconds: null, etaOf: null };
  return { ...base, etaSeconds: (p.epochSeconds / p.step) * (p.steps - p.step), etaOf: kind === 'features' ? 'feature pass' : 'epoch' };
}

/** The experiment metric per epoch of each recent run, for the overlaid chart. */
export function curvePoints(epochs: readonly EpochRecord[], metric: ExperimentMetric): Array<readonly [number, number]> {
  return epochs.map((e) => [e.epoch, metricValue(e, metric.name)] as const);
}
