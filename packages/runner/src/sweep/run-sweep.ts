import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  backboneWeightsHash,
  canonicalJson,
  expandSweep,
  loadBackbone,
  loadImageBatch,
  loadSpec,
  openStore,
  resolveDataset,
  RunInterruptedError,
  selectBackend,
  trainVariant,
  validateBackboneConfig,
  variantId,
  type Backbone,
  type BackboneConfig,
  type Dataset,
  type PlannedVariant,
  type ResolvedConfig,
  type Store,
} from '@tlab/core';
import { collectEnvironment } from './run-environment.ts';
import type { PlannedRow, SweepOutcome, SweepReporter } from './sweep-reporter.ts';
import { UnknownVariantError } from './unknown-variant-error.ts';

export interface SweepOptions {
  readonly specFile: string;
  readonly dbFile: string;
  readonly cacheDir: string;
  readonly dataRoot?: string | undefined;
  readonly overrides?: readonly string[];
  readonly only?: readonly string[];
  readonly dryRun?: boolean;
  readonly reporter: SweepReporter;
  readonly signal?: AbortSignal;
}

interface Variant extends PlannedVariant {
  readonly id: string;
  readonly dataset: Dataset;
  readonly weightsHash: string;
}

/**
 * Expands a spec, registers every variant in the store and trains those not yet `done`, one at a
 * time, committing each epoch as it ends. Everything that can fail on bad input (spec, data folders,
 * layer names) is checked before the first variant trains.
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const { reporter } = options;
  const loaded = loadSpec(options.specFile, { overrides: options.overrides ?? [] });
  const experiment = loaded.spec.name;
  const specDir = path.dirname(path.resolve(options.specFile));
  const variants = await identify(loaded.spec.name, expandSweep(loaded), {
    specDir,
    dataRoot: options.dataRoot,
    cacheDir: options.cacheDir,
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
    const experimentId = store.ensureExperiment({ name: experiment, specText: loaded.text, specHash: loaded.specHash });
    store.registerVariants(
      experimentId,
      variants.map((v) => ({ id: v.id, index: v.index, params: v.params, config: v.config, seed: v.config.seed })),
    );
    const statusById = new Map(store.runsOf(experimentId).map((r) => [r.id, r.status]));
    reporter.planned(experiment, selected.map((v): PlannedRow => ({ index: v.index, id: v.id, params: v.params, status: statusById.get(v.id) ?? 'new' })));
    const pending = selected.filter((v) => statusById.get(v.id) !== 'done');
    return await trainPending(store, pending, selected.length - pending.length, new BackboneSlot(specDir), options);
  } finally {
    store.close();
  }
}

async function trainPending(
  store: Store,
  pending: readonly Variant[],
  skipped: number,
  backbones: BackboneSlot,
  options: SweepOptions,
): Promise<SweepOutcome> {
  const { reporter } = options;
  if (pending.length === 0) {
    reporter.finished({ trained: 0, skipped, failed: 0 });
    return { trained: 0, skipped, failed: 0 };
  }
  const engine = await selectBackend({ warn: (m) => reporter.warn(m) });
  reporter.engine(engine);
  let trained = 0;
  let failed = 0;
  try {
    // Variants sharing a backbone run back to back, so each network is built once per sweep.
    const ordered = [...pending].sort((a, b) => backboneKey(a.config).localeCompare(backboneKey(b.config)) || a.index - b.index);
    for (const [i, variant] of ordered.entries()) {
      reporter.runStarted({ position: i + 1, count: ordered.length, id: variant.id, params: variant.params, epochs: variant.config.train.epochs });
      try {
        const backbone = await backbones.get(variant.config);
        store.startRun(variant.id, collectEnvironment(engine, variant));
        const result = await trainVariant({
          config: variant.config,
          backbone,
          dataset: variant.dataset,
          loadImageBatch,
          signal: options.signal,
          onProgress: (p) => reporter.progress(p),
          onEpoch: (m) => {
            store.recordEpoch(variant.id, m);
            reporter.epochEnded(m);
          },
        });
        store.finishRun(variant.id, { metrics: result.metrics, confusion: result.confusion });
        reporter.runFinished(variant.id, result.metrics);
        trained += 1;
      } catch (error) {
        if (error instanceof RunInterruptedError) {
          store.interruptRun(variant.id);
          throw error;
        }
        const message = error instanceof Error ? error.message : String(error);
        store.failRun(variant.id, message);
        reporter.runFailed(variant.id, message);
        failed += 1;
      }
    }
  } finally {
    backbones.release();
  }
  const outcome = { trained, skipped, failed };
  reporter.finished(outcome);
  return outcome;
}

interface DataContext {
  readonly specDir: string;
  readonly dataRoot: string | undefined;
  readonly cacheDir: string;
  readonly warn: (message: string) => void;
}

/** Resolves each distinct dataset and backbone once, checks layer names, and computes variant ids. */
async function identify(experiment: string, planned: readonly PlannedVariant[], context: DataContext): Promise<Variant[]> {
  const datasets = new Map<string, Promise<Dataset>>();
  const weights = new Map<string, Promise<string>>();
  return Promise.all(
    planned.map(async (variant) => {
      const { config } = variant;
      const dataKey = canonicalJson({ data: config.data, seed: config.seed });
      if (!datasets.has(dataKey)) {
        datasets.set(dataKey, resolveDataset(config.data, { seed: config.seed, specDir: context.specDir, dataRoot: context.dataRoot, cacheDir: context.cacheDir }));
      }
      const weightsKey = canonicalJson(config.backbone);
      if (!weights.has(weightsKey)) weights.set(weightsKey, checkBackbone(locateBackbone(config.backbone, context.specDir), config.data.rescale, context));
      const [dataset, weightsHash] = await Promise.all([datasets.get(dataKey)!, weights.get(weightsKey)!]);
      const id = variantId({ experiment, config, datasetFingerprint: dataset.fingerprint, weightsHash });
      return { ...variant, id, dataset, weightsHash };
    }),
  );
}

/** Fails on unknown layer names before anything trains; returns the weights hash for the variant id. */
async function checkBackbone(backbone: BackboneConfig, rescale: number, context: DataContext): Promise<string> {
  const { rescalingLayers } = await validateBackboneConfig(backbone);
  if (rescalingLayers.length > 0 && rescale !== 1) {
    context.warn(
      `backbone ${backbone.path ?? backbone.name} rescales its own input (${rescalingLayers.join(', ')}) and data.rescale is ${rescale}: ` +
        'pixels will be scaled twice; set data.rescale: 1 if that is not intended.',
    );
  }
  return backboneWeightsHash(backbone);
}

/** A user's model.json is written relative to the spec; ids keep the path as written so they match on any machine. */
function locateBackbone(backbone: BackboneConfig, specDir: string): BackboneConfig {
  return backbone.path === undefined ? backbone : { ...backbone, path: path.resolve(specDir, backbone.path) };
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

function backboneKey(config: ResolvedConfig): string {
  return canonicalJson({ backbone: config.backbone, size: config.data.image_size });
}

/** Holds the one backbone in use; a different one replaces (and frees) it. */
class BackboneSlot {
  private key: string | undefined;
  private backbone: Backbone | undefined;

  constructor(private readonly specDir: string) {}

  async get(config: ResolvedConfig): Promise<Backbone> {
    const key = backboneKey(config);
    if (this.backbone && this.key === key) return this.backbone;
    this.release();
    this.backbone = await loadBackbone(locateBackbone(config.backbone, this.specDir), config.data.image_size);
    this.key = key;
    return this.backbone;
  }

  release(): void {
    this.backbone?.dispose();
    this.backbone = undefined;
    this.key = undefined;
  }
}
