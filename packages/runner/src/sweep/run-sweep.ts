import { existsSync } from 'node:fs';
import path from 'node:path';
import { artifactsDirOf, ArtifactStore, expandSweep, loadSpec, openStore, specFacts } from '@tlab/core';
import { selectBackend, type FeatureCacheOptions } from '@tlab/trainer';
import { defaultRunSettings, type RunSettings } from '../settings/run-settings.ts';
import { identifyVariants, type Variant } from './identify-variants.ts';
import type { SweepStrategy } from './plan-groups.ts';
import type { PlannedRow, SweepOutcome, SweepReporter } from './sweep-reporter.ts';
import { summarizeSweep } from './sweep-summary.ts';
import { trainPending } from './train-pending.ts';
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
}

/**
 * Expands a spec, registers every variant in the store and trains those not yet `done`, committing
 * each epoch as it ends. Everything that can fail on bad input (spec, data folders, layer names)
 * is checked before the first variant trains.
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const { reporter } = options;
  const settings = options.settings ?? defaultRunSettings();
  const loaded = loadSpec(options.specFile, { overrides: options.overrides ?? [] });
  // One backend per process, chosen here before anything else (building a backbone) picks the default.
  const engine = await selectBackend({ requested: settings.backend, warn: (message) => reporter.warn(message) });
  const experiment = loaded.spec.name;
  const specDir = path.dirname(path.resolve(options.specFile));
  const plan = expandSweep(loaded);
  if (plan.leftOut.length > 0) reporter.capped(loaded.spec.sweep.run_cap!, plan.leftOut);
  const variants = await identifyVariants(loaded.spec.name, plan.variants, {
    specDir,
    dataRoot: settings.dataRoot,
    cacheDir: options.cacheDir,
    weights: settings.weights,
    warn: (message) => reporter.warn(message),
  });
  const selected = selectVariants(variants, options.only ?? []);

  if (options.dryRun) {
    const stored = storedStatuses(options.dbFile, experiment);
    reporter.planned(experiment, selected.map((v) => ({ index: v.index, id: v.id, params: v.params, status: stored.get(v.id) ?? 'new' })));
    return { trained: 0, skipped: 0, failed: 0 };
  }

  const store = openStore(options.dbFile);
  try {
    const experimentId = store.ensureExperiment({
      name: experiment,
      specText: loaded.text,
      specHash: loaded.specHash,
      facts: specFacts(loaded.spec),
      specFile: path.resolve(options.specFile),
    });
    store.registerVariants(
      experimentId,
      variants.map((v) => ({ id: v.id, index: v.index, params: v.params, config: v.config, seed: v.config.seed })),
    );
    const statusById = new Map(store.runsOf(experimentId).map((r) => [r.id, r.status]));
    reporter.planned(experiment, selected.map((v): PlannedRow => ({ index: v.index, id: v.id, params: v.params, status: statusById.get(v.id) ?? 'new' })));
    const pending = selected.filter((v) => statusById.get(v.id) !== 'done');
    const outcome = await trainPending(store, pending, selected.length - pending.length, {
      cacheDir: options.cacheDir,
      artifacts: new ArtifactStore(artifactsDirOf(options.dbFile)),
      metric: loaded.spec.metric,
      reporter,
      signal: options.signal,
      strategy: options.strategy ?? 'planned',
      engine,
      frozenEngine: settings.frozenEngine,
      featureCache: options.featureCache,
    });
    reporter.summary(summarizeSweep(options.dbFile, experiment, loaded.spec.metric));
    return outcome;
  } finally {
    store.close();
  }
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
