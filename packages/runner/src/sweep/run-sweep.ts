import { existsSync } from 'node:fs';
import path from 'node:path';
import { artifactsDirOf, ArtifactStore, expandSweep, loadSpec, openStore, specFacts, type LoadedSpec, type MetricSpec, type Store } from '@tlab/core';
import { defaultFeaturePrecision, selectBackend, type EngineInfo, type FeatureCacheOptions } from '@tlab/trainer';
import { collectEnvironment } from './run-environment.ts';
import { prepareCacheDir } from '../settings/cache-dir.ts';
import { defaultRunSettings, type RunSettings } from '../settings/run-settings.ts';
import { identifyVariants, type Variant, type VariantContext } from './identify-variants.ts';
import type { SweepStrategy } from './plan-groups.ts';
import type { PlannedRow, SweepOutcome, SweepReporter } from './sweep-reporter.ts';
import { summarizeSweep } from './sweep-summary.ts';
import { trainPending, type TrainPendingOptions } from './train-pending.ts';
import type { WorkerPool } from '../distributed/local-workers.ts';
import { FrozenPartKeeper } from './frozen-part-keeper.ts';
import { UnknownVariantError } from './unknown-variant-error.ts';

export interface SweepOptions {
  readonly specFile: string;
  readonly dbFile: string;
  readonly cacheDir: string;
  readonly overrides?: readonly string[];
  readonly only?: readonly string[];
  readonly dryRun?: boolean;
  readonly reporter: SweepReporter;
  readonly signal?: AbortSignal;
  /**
   * `planned` (default): variants sharing a frozen part run together, with features cached on disk.
   * `naive`: every variant alone, recomputing its features every epoch, as Keras does (benchmarks).
   */
  readonly strategy?: SweepStrategy;
  readonly featureCache?: FeatureCacheOptions;
  /** Backend, frozen engine, data root and weights (resolveRunSettings); defaultRunSettings() when absent. */
  readonly settings?: RunSettings;
  /**
   * `--workers N`'s N − 1 forked workers (startSweepWorkers), started by the caller as early as it
   * can; this process trains as the last of them. This process alone when absent.
   */
  readonly pool?: WorkerPool | undefined;
  /** redis://host:port[/db]: enqueue the jobs for queue workers and commit their results (`--queue`). */
  readonly queue?: string | undefined;
}

/** What a sweep derives from its options: the spec, this process's engine, the variants. */
interface PreparedSweep {
  readonly loaded: LoadedSpec;
  readonly engine: EngineInfo;
  readonly variants: readonly Variant[];
}

/**
 * Reads the spec, selects this process's backend (before anything else, building a backbone, picks
 * the default) and identifies every variant; `located` hears of each backbone before its check.
 */
async function prepareSweep(
  options: Pick<SweepOptions, 'specFile' | 'overrides' | 'cacheDir' | 'settings'>,
  reporter: Pick<SweepReporter, 'warn' | 'capped'>,
  located: VariantContext['located'],
): Promise<PreparedSweep> {
  const settings = options.settings ?? defaultRunSettings();
  const loaded = loadSpec(options.specFile, { overrides: options.overrides ?? [] });
  const engine = await selectBackend({ requested: settings.backend, warn: (message) => reporter.warn(message) });
  const plan = expandSweep(loaded);
  if (plan.leftOut.length > 0) reporter.capped(loaded.spec.sweep.run_cap!, plan.leftOut);
  const variants = await identifyVariants(loaded.spec.name, plan.variants, {
    specDir: path.dirname(path.resolve(options.specFile)),
    dataRoot: settings.dataRoot,
    cacheDir: options.cacheDir,
    weights: settings.weights,
    warn: (message) => reporter.warn(message),
    located,
  });
  return { loaded, engine, variants };
}

/**
 * Expands a spec, registers every variant in the store and trains those not yet `done`, committing
 * each epoch as it ends. Everything that can fail on bad input (spec, data folders, layer names)
 * is checked before the first variant trains.
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const { reporter } = options;
  const settings = options.settings ?? defaultRunSettings();
  prepareCacheDir(options.cacheDir);
  // BullMQ and its Redis client load only for --queue: a local sweep and its worker processes skip them.
  let trainOnQueue: typeof import('../distributed/queue/queue-coordinator.ts').trainOnQueue | undefined;
  if (options.queue !== undefined && !options.dryRun) {
    await (await import('../distributed/queue/queue-connection.ts')).checkQueueReachable(options.queue);
    ({ trainOnQueue } = await import('../distributed/queue/queue-coordinator.ts'));
  }
  const { pool } = options;
  let store: Store | undefined;
  // This process's frozen part, kept across the jobs it trains as one of the pool's workers.
  const frozenParts = new FrozenPartKeeper();
  try {
    const { loaded, engine, variants } = await prepareSweep(options, reporter, pool?.warm);
    const experiment = loaded.spec.name;
    const selected = selectVariants(variants, options.only ?? []);

    if (options.dryRun) {
      const stored = storedStatuses(options.dbFile, experiment);
      reporter.planned(experiment, selected.map((v) => ({ index: v.index, id: v.id, params: v.params, status: stored.get(v.id) ?? 'new' })));
      return { trained: 0, skipped: 0, failed: 0 };
    }

    const db = openStore(options.dbFile);
    store = db;
    const experimentId = db.ensureExperiment({
      name: experiment,
      specText: loaded.text,
      specHash: loaded.specHash,
      facts: specFacts(loaded.spec),
      specFile: path.resolve(options.specFile),
    });
    db.registerVariants(
      experimentId,
      variants.map((v) => ({ id: v.id, index: v.index, params: v.params, config: v.config, seed: v.config.seed })),
    );
    const statusById = new Map(db.runsOf(experimentId).map((r) => [r.id, r.status]));
    reporter.planned(experiment, selected.map((v): PlannedRow => ({ index: v.index, id: v.id, params: v.params, status: statusById.get(v.id) ?? 'new' })));
    const pending = selected.filter((v) => statusById.get(v.id) !== 'done');
    const skipped = selected.length - pending.length;
    const outcome =
      trainOnQueue !== undefined
        ? await trainOnQueue(db, pending, skipped, {
            url: options.queue!,
            loaded,
            overrides: options.overrides ?? [],
            artifacts: new ArtifactStore(artifactsDirOf(options.dbFile)),
            reporter,
            signal: options.signal,
            environmentOf: (variant) => collectEnvironment(engine, variant, undefined, options.featureCache?.precision ?? defaultFeaturePrecision),
          })
        : pool === undefined
        ? await trainPending(db, pending, skipped, trainingOptions(options, loaded.spec.metric, engine, settings, reporter, options.signal))
        : await pool.train(pending, skipped, {
            experiment,
            strategy: options.strategy ?? 'planned',
            reporter,
            signal: options.signal,
            metric: loaded.spec.metric,
            statusOf: (id) => db.getRun(id)?.status,
            trainHere: (job, jobReporter, signal) =>
              trainPending(db, job.variants, 0, {
                ...trainingOptions(options, loaded.spec.metric, engine, settings, jobReporter, signal, pool.onnxThreads),
                cutoffs: job.cutoffs,
                frozenParts,
              }),
          });
    reporter.summary(summarizeSweep(options.dbFile, experiment, loaded.spec.metric));
    return outcome;
  } finally {
    await frozenParts.close();
    store?.close();
  }
}

/** How a process trains its pending variants: the sweep itself, or each of its worker processes. */
export function trainingOptions(
  options: Pick<SweepOptions, 'cacheDir' | 'dbFile' | 'strategy' | 'featureCache'>,
  metric: MetricSpec,
  engine: EngineInfo,
  settings: RunSettings,
  reporter: SweepReporter,
  signal: AbortSignal | undefined,
  onnxThreads?: number,
): TrainPendingOptions {
  return {
    cacheDir: options.cacheDir,
    artifacts: new ArtifactStore(artifactsDirOf(options.dbFile)),
    metric,
    reporter,
    signal,
    strategy: options.strategy ?? 'planned',
    engine,
    frozenEngine: settings.frozenEngine,
    featureCache: options.featureCache,
    onnxThreads,
  };
}

/** Statuses already stored for this experiment, read without creating or migrating anything. */
function storedStatuses(dbFile: string, experiment: string): Map<string, string> {
  if (!existsSync(dbFile)) return new Map();
  const store = openStore(dbFile, { readonly: true });
  try {
    const stored = store.listExperiments().find((e) => e.name === experiment);
    return new Map(stored ? store.runsOf(stored.id).map((r) => [r.id, r.status]) : []);
  } finally {
    store.close();
  }
}

function selectVariants(variants: readonly Variant[], only: readonly string[]): Variant[] {
  if (only.length === 0) return [...variants];
  const known = new Set(variants.map((v) => v.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UnknownVariantError(unknown, [...known]);
  return variants.filter((v) => only.includes(v.id));
}
