import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactsDirOf, ArtifactStore, defaultMetric, openStore, RunWrongStatusError, type EpochRecord } from '@tlab/core';
import { DataChangedError, featurePrecisions, frozenEngines, selectBackend, WeightsChangedError } from '@tlab/trainer';
import { identifyVariants } from '../sweep/identify-variants.ts';
import type { SweepReporter } from '../sweep/sweep-reporter.ts';
import { trainPending } from '../sweep/train-pending.ts';
import { readStoredRun, type StoredRunContext } from './stored-run.ts';

const comparedMetrics = ['loss', 'accuracy', 'valLoss', 'valAccuracy'] as const satisfies ReadonlyArray<keyof EpochRecord>;

export interface Difference {
  readonly epoch: number;
  readonly metric: (typeof comparedMetrics)[number] | 'epochs';
  readonly original: number;
  readonly reproduced: number;
}

export interface Reproduction {
  readonly runId: string;
  /** The id the stored config gives today; another one means the config's identity changed since. */
  readonly reproducedId: string;
  /** Every epoch's metrics equal to the bit, and the same checkpoint hash. */
  readonly identical: boolean;
  /** The first epoch (in order) and metric that differ, if any. */
  readonly firstDifference: Difference | null;
  /** Largest |original − reproduced| over every epoch and metric compared (0 when identical). */
  readonly maxDifference: number;
  readonly checkpoint: { readonly original: string | null; readonly reproduced: string | null };
  readonly backends: { readonly original: string; readonly reproduced: string };
}

export interface ReproduceOptions extends StoredRunContext {
  readonly runId: string;
  readonly reporter: SweepReporter;
  readonly signal?: AbortSignal;
}

/**
 * Retrains one stored run from its stored config and seed in a scratch DB (with a fresh feature
 * cache, so nothing cached stands in for computation), after checking that its dataset and
 * backbone weights still hash to what the run recorded, and compares every epoch's metrics and
 * the checkpoint's hash with the stored ones.
 */
export async function reproduceRun(options: ReproduceOptions): Promise<Reproduction> {
  const stored = readStoredRun(options.runId, options.dbFile);
  const { run } = stored;
  // An unfinished run has no complete record to compare a retraining with.
  if (run.status !== 'done' && run.status !== 'failed') throw new RunWrongStatusError(options.dbFile, run.id, run.status, 'reproduce', ['done', 'failed'], 'finish it first (run its sweep again)');
  const engine = await selectBackend({ requested: options.settings.backend, warn: (message) => options.reporter.warn(message) });
  const [variant] = await identifyVariants(stored.experiment, [{ index: run.index, params: run.params, config: run.config }], {
    specDir: stored.specDir,
    dataRoot: options.settings.dataRoot,
    cacheDir: options.cacheDir,
    weights: options.settings.weights,
    warn: (message) => options.reporter.warn(message),
  });
  const env = run.environment;
  if (variant!.dataset.fingerprint !== env.datasetFingerprint) {
    throw new DataChangedError(run.id, `resolved from ${stored.specDir}`, variant!.dataset.fingerprint, env.datasetFingerprint);
  }
  if (variant!.weightsHash !== env.weightsHash) throw new WeightsChangedError(run.id, variant!.weightsSource, variant!.weightsHash, env.weightsHash);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-reproduce-'));
  try {
    const dbFile = path.join(scratch, 'reproduce.db');
    const store = openStore(dbFile);
    try {
      const version = stored.specVersion;
      const experimentId = store.ensureExperiment({
        name: stored.experiment,
        specText: version?.specText ?? '',
        specHash: version?.specHash ?? 'unknown',
        ...(version?.facts ? { facts: version.facts } : {}),
      });
      store.registerVariants(experimentId, [{ id: variant!.id, index: run.index, params: run.params, config: run.config, seed: run.seed }]);
      await trainPending(store, [variant!], 0, {
        cacheDir: options.cacheDir,
        featureCacheDir: path.join(scratch, 'features'),
        // As the run's features were kept (runs stored before schema 6 did not record it: the default, float16).
        featureCache: { precision: featurePrecisions.find((p) => p === env.featurePrecision) ?? 'float16' },
        artifacts: new ArtifactStore(artifactsDirOf(dbFile)),
        metric: version?.facts?.metric ?? defaultMetric,
        reporter: options.reporter,
        signal: options.signal,
        strategy: 'planned',
        engine,
        // The engine the run's frozen part ran on, where it is one this machine has.
        frozenEngine: frozenEngines.find((name) => name === env.frozenEngine) ?? options.settings.frozenEngine,
      });
      const reproduced = store.getRun(variant!.id)!;
      const epochs = compareEpochs(stored.epochs, store.epochsOf(variant!.id));
      const checkpoint = { original: run.checkpoint?.sha256 ?? null, reproduced: reproduced.checkpoint?.sha256 ?? null };
      return {
        runId: run.id,
        reproducedId: variant!.id,
        ...epochs,
        identical: epochs.identical && checkpoint.original === checkpoint.reproduced,
        checkpoint,
        backends: { original: `${env.backend}, frozen part on ${env.frozenEngine}`, reproduced: `${reproduced.environment!.backend}, frozen part on ${reproduced.environment!.frozenEngine}` },
      };
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Exact comparison: the same backend and seed must give the same bits. NaN equals NaN (a diverged run diverges again). */
export function compareEpochs(
  original: readonly EpochRecord[],
  reproduced: readonly EpochRecord[],
): Pick<Reproduction, 'identical' | 'firstDifference' | 'maxDifference'> {
  let firstDifference: Difference | null = null;
  let maxDifference = 0;
  for (let i = 0; i < Math.min(original.length, reproduced.length); i++) {
    for (const metric of comparedMetrics) {
      const [a, b] = [original[i]![metric], reproduced[i]![metric]];
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      firstDifference ??= { epoch: original[i]!.epoch, metric, original: a, reproduced: b };
      maxDifference = Math.max(maxDifference, Number.isNaN(a - b) ? Number.POSITIVE_INFINITY : Math.abs(a - b));
    }
  }
  if (original.length !== reproduced.length) {
    const epoch = Math.min(original.length, reproduced.length) + 1;
    firstDifference ??= { epoch, metric: 'epochs', original: original.length, reproduced: reproduced.length };
  }
  return { identical: firstDifference === null, firstDifference, maxDifference };
}
