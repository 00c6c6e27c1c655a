import { isTlabError, type MetricSpec } from '@tlab/core';
import type { BackboneConfig, Dataset, FeatureCacheOptions } from '@tlab/trainer';
import type { Variant } from '../sweep/identify-variants.ts';
import type { RunSettings } from '../settings/run-settings.ts';
import type { SweepStrategy } from '../sweep/plan-groups.ts';
import type { SweepOutcome, SweepReporter } from '../sweep/sweep-reporter.ts';

/** What a local worker process needs before its first job: where to write, and how to train. */
export interface WorkerInit {
  readonly dbFile: string;
  readonly cacheDir: string;
  readonly strategy: SweepStrategy;
  readonly featureCache: FeatureCacheOptions | undefined;
  readonly settings: RunSettings;
  readonly onnxThreads: number;
}

/**
 * The reporter calls a worker forwards; the sweep renders them. Progress bars and epoch lines stay
 * in the worker: two runs' epochs would interleave, and the run lines name their run.
 */
export const forwardedReports = ['engine', 'runStarted', 'runFinished', 'runFailed', 'warn'] as const;
export type ForwardedReport = (typeof forwardedReports)[number];

export type ToWorker =
  | { readonly type: 'init'; readonly init: WorkerInit }
  /** A backbone the worker's first job will likely build: load it while the sweep still prepares. */
  | { readonly type: 'warm'; readonly backbone: BackboneConfig; readonly imageSize: [number, number] }
  /** `cutoffs`: what the job's frozen pass computes (its group's, see SweepJob). */
  | { readonly type: 'job'; readonly jobId: string; readonly metric: MetricSpec; readonly cutoffs: readonly string[]; readonly job: PackedVariants }
  | { readonly type: 'stop' };

/**
 * What a worker shows of its training: the forwarded reports go to `send`, the rest (progress bars,
 * epoch lines, per-job totals) is dropped, for the sweep renders the sweep's own.
 */
export function forwardingReporter(send: (message: FromWorker) => void): SweepReporter {
  const ignored = () => undefined;
  const forward = Object.fromEntries(
    forwardedReports.map((method) => [method, (...args: unknown[]) => send({ type: 'report', method, args } as FromWorker)]),
  ) as Pick<SweepReporter, ForwardedReport>;
  return { ...forward, planned: ignored, capped: ignored, progress: ignored, epochEnded: ignored, finished: ignored, summary: ignored };
}

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'report'; readonly method: ForwardedReport; readonly args: Parameters<SweepReporter[ForwardedReport]> }
  | { readonly type: 'done'; readonly jobId: string; readonly outcome: SweepOutcome }
  /** The worker cannot go on (its setup failed, the DB failed): the sweep stops with this error. */
  | { readonly type: 'fatal'; readonly code: string; readonly message: string };

/** What a worker sends when it cannot go on. */
export function fatalMessage(error: unknown): FromWorker {
  return { type: 'fatal', code: isTlabError(error) ? error.code : 'TLAB_WORKER_FAILED', message: error instanceof Error ? error.message : String(error) };
}

/** Variants as one message carries them: each distinct dataset (thousands of items) once. */
export interface PackedVariants {
  readonly datasets: readonly Dataset[];
  readonly variants: ReadonlyArray<Omit<Variant, 'dataset'> & { readonly dataset: number }>;
}

export function packVariants(variants: readonly Variant[]): PackedVariants {
  const datasets: Dataset[] = [];
  return {
    datasets,
    variants: variants.map((variant) => {
      let index = datasets.indexOf(variant.dataset);
      if (index < 0) index = datasets.push(variant.dataset) - 1;
      return { ...variant, dataset: index };
    }),
  };
}

export function unpackVariants({ datasets, variants }: PackedVariants): Variant[] {
  return variants.map((variant) => ({ ...variant, dataset: datasets[variant.dataset]! }));
}
