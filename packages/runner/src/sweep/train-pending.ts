import path from 'node:path';
import { encodeCheckpoint, faultPoint, isTlabError, StoreError, type ArtifactStore, type MetricSpec, type RunRow, type Store } from '@tlab/core';
import {
  createFeatureProvider,
  FeatureCache,
  loadImageBatch,
  loadTrainableBlock,
  preprocessingOf,
  RunInterruptedError,
  trainVariant,
  type EngineInfo,
  type FeatureCacheOptions,
  type FrozenEngine,
  type FrozenExtractor,
} from '@tlab/trainer';
import { FrozenPartKeeper } from './frozen-part-keeper.ts';
import type { Variant } from './identify-variants.ts';
import { keepLease, releaseDeadOwners, sleep } from './leases.ts';
import { frozenPassBackbone, planGroups, type SweepStrategy } from './plan-groups.ts';
import { progressRecorder } from './progress-recorder.ts';
import { collectEnvironment } from './run-environment.ts';
import type { SweepOutcome, SweepReporter } from './sweep-reporter.ts';

export interface TrainPendingOptions {
  readonly cacheDir: string;
  /** Where cached features live; `<cacheDir>/features` when absent (reproduce uses a fresh one). */
  readonly featureCacheDir?: string;
  /** Where each finished run's checkpoint goes (the folder next to the DB). */
  readonly artifacts: ArtifactStore;
  /** The spec's `metric`: which epoch of a run is its best. */
  readonly metric: MetricSpec;
  readonly reporter: SweepReporter;
  readonly signal?: AbortSignal | undefined;
  readonly strategy: SweepStrategy;
  /** The tfjs backend the sweep selected (heads train on it). */
  readonly engine: EngineInfo;
  readonly frozenEngine: FrozenEngine;
  readonly featureCache?: FeatureCacheOptions | undefined;
  /** ONNX Runtime threads per frozen part; all cores when absent (one worker). */
  readonly onnxThreads?: number | undefined;
  /**
   * The cutoffs the frozen pass computes when the variants are one job of a planned group (all in
   * that group): the group's, so the pass caches every variant's features, as one process would.
   */
  readonly cutoffs?: readonly string[] | undefined;
  /** A worker's frozen part kept open across its jobs; the parts open and close within this call when absent. */
  readonly frozenParts?: FrozenPartKeeper | undefined;
}

type Attempt = 'trained' | 'failed' | 'taken';

/**
 * Trains the pending variants group by group: a group's frozen part is built once and, with the
 * feature cache, runs once per image (per augmentation draw) for all its variants and cutoffs.
 * Each variant is claimed with a lease first, so several sweep processes on one DB split the work;
 * runs another process holds are waited for, and taken over if that process dies. A failing
 * variant is recorded and the sweep goes on; an interrupt stops it.
 */
export async function trainPending(store: Store, pending: readonly Variant[], skipped: number, options: TrainPendingOptions): Promise<SweepOutcome> {
  const { reporter } = options;
  const outcome = { trained: 0, skipped, failed: 0 };
  if (pending.length === 0) {
    reporter.finished(outcome);
    return outcome;
  }
  const { engine } = options;
  const enginesReported = new Set<string>();
  const cache = options.strategy === 'planned' ? new FeatureCache(options.featureCacheDir ?? path.join(options.cacheDir, 'features'), options.featureCache) : undefined;
  // A run another process failed during this sweep is its result, not ours to retry.
  const attemptsAtStart = new Map(pending.map((v) => [v.id, store.getRun(v.id)!.attempts]));
  const tried = new Set<string>();
  const frozenParts = options.frozenParts ?? new FrozenPartKeeper();
  let waiting = false;
  try {
    for (;;) {
      releaseDeadOwners(store, pending);
      const open = pending.filter((v) => !tried.has(v.id) && claimable(store.getRun(v.id)!, attemptsAtStart.get(v.id)!));
      let progressed = false;
      for (const group of planGroups(open, options.strategy)) {
        // Variants group by their backbone as configured; all of a group's are located alike. Its
        // cutoffs are the group's, not the first variant's: they must not tell the kept part apart.
        const session = await frozenParts.session(
          { ...group, backbone: frozenPassBackbone(group.variants[0]!.backbone), cutoffs: options.cutoffs ?? group.cutoffs },
          { engine: options.frozenEngine, cacheDir: options.cacheDir, warn: (m) => reporter.warn(m), tfjsThreads: engine.threads, onnxThreads: options.onnxThreads },
        );
        for (const variant of group.variants) {
          const attempt = await trainOne(store, variant, engine, () => session.extractorFor(variant.frozenCutoff), cache, {
            ...options,
            onExtractor: ({ engine: frozen, threads }) => {
              if (enginesReported.has(`${frozen}:${threads}`)) return;
              enginesReported.add(`${frozen}:${threads}`);
              reporter.engine(engine, { engine: frozen, threads });
            },
            position: tried.size + 1,
            count: pending.length,
          });
          if (attempt === 'taken') continue;
          tried.add(variant.id);
          progressed = true;
          outcome[attempt] += 1;
        }
      }
      if (progressed) continue;
      const elsewhere = pending.filter((v) => !tried.has(v.id) && store.getRun(v.id)!.status === 'running');
      if (elsewhere.length === 0) break;
      if (!waiting) reporter.warn(`Waiting for ${elsewhere.length} run(s) that other sweep processes are training…`);
      waiting = true;
      await sleep(1000, options.signal);
    }
  } finally {
    cache?.close();
    if (options.frozenParts === undefined) await frozenParts.close();
  }
  reporter.finished(outcome);
  return outcome;
}

function claimable(run: RunRow, attemptsAtStart: number): boolean {
  return run.status !== 'done' && !(run.status === 'failed' && run.attempts !== attemptsAtStart);
}


async function trainOne(
  store: Store,
  variant: Variant,
  engine: EngineInfo,
  extractorFor: () => Promise<FrozenExtractor>,
  cache: FeatureCache | undefined,
  options: TrainPendingOptions & {
    readonly position: number;
    readonly count: number;
    readonly onExtractor: (extractor: Pick<FrozenExtractor, 'engine' | 'threads'>) => void;
  },
): Promise<Attempt> {
  const { reporter } = options;
  let extractor: FrozenExtractor | undefined;
  let buildError: unknown;
  try {
    extractor = await extractorFor();
    options.onExtractor(extractor);
  } catch (error) {
    buildError = error;
  }
  // A frozen part that cannot be built fails its variants: they are still claimed, so they are recorded as tried.
  // Without a cache (naive) the head trains on features as computed: float32.
  if (!store.startRun(variant.id, collectEnvironment(engine, variant, extractor, cache?.precision ?? 'float32'))) return 'taken';
  reporter.runStarted({ position: options.position, count: options.count, id: variant.id, params: variant.params, epochs: variant.config.train.epochs });
  const lease = new AbortController();
  const stopRenewing = keepLease(store, variant.id, store.leaseMs, () => lease.abort());
  try {
    if (buildError !== undefined) throw buildError;
    const { config } = variant;
    const recordProgress = progressRecorder((p) => store.recordProgress(variant.id, p));
    // Fine-tuning trains the backbone's top block too: it sits between the cached features and the head.
    const trunk = config.backbone.trainable_from ? (await loadTrainableBlock(variant.backbone, config.data.image_size)).model : undefined;
    const result = await trainVariant({
      config,
      metric: options.metric,
      dataset: variant.dataset,
      ...(trunk ? { trunk } : {}),
      features: createFeatureProvider({
        extractor: extractor!,
        cutoff: variant.frozenCutoff,
        weightsHash: variant.weightsHash,
        imageSize: config.data.image_size,
        preprocessing: preprocessingOf(config.data),
        seed: config.seed,
        loadImageBatch,
        ...(cache ? { cache } : {}),
      }),
      // Written before the row references it: a crash in between leaves an unreferenced file that `tlab runs gc` removes.
      keepCheckpoint: (checkpoint) => options.artifacts.put(encodeCheckpoint(checkpoint)),
      signal: options.signal ? AbortSignal.any([options.signal, lease.signal]) : lease.signal,
      onProgress: (p) => {
        recordProgress(p);
        reporter.progress(p);
      },
      onEpoch: (m) => {
        store.recordEpoch(variant.id, m);
        faultPoint('epoch-committed');
        reporter.epochEnded(m);
      },
    });
    faultPoint('before-finish');
    store.finishRun(variant.id, {
      metrics: result.metrics,
      evaluatedEpoch: result.evaluatedEpoch,
      confusion: result.confusion,
      predictions: result.predictions,
      checkpoint: result.checkpoint,
    });
    reporter.runFinished(variant.id, result.metrics, options.metric);
    return 'trained';
  } catch (error) {
    if (lease.signal.aborted || isTlabError(error, 'TLAB_LEASE_LOST')) {
      reporter.warn(`run ${variant.id} was taken over by another process after this one stalled past its lease; its results are that process's`);
      return 'taken';
    }
    if (error instanceof RunInterruptedError) {
      store.interruptRun(variant.id);
      throw new RunInterruptedError([variant.id]);
    }
    // The results DB itself failed (disk full, damaged): recording a failure would fail the same way.
    if (error instanceof StoreError) throw error;
    const message = isTlabError(error) ? error.codedMessage() : error instanceof Error ? error.message : String(error);
    store.failRun(variant.id, message);
    reporter.runFailed(variant.id, message);
    return 'failed';
  } finally {
    stopRenewing();
  }
}
