import { canonicalJson, variantId, type PlannedVariant } from '@tlab/core';
import {
  backboneWeightsHash,
  checkHeadSize,
  loadBackbone,
  locateBackbone,
  planTrainableBlock,
  resolveDataset,
  validateBackboneConfig,
  type BackboneConfig,
  type Dataset,
  type Preprocessing,
  type WeightsSettings,
  preprocessingOf,
} from '@tlab/trainer';

/** A planned variant with everything its id depends on resolved. */
export interface Variant extends PlannedVariant {
  readonly id: string;
  readonly dataset: Dataset;
  readonly weightsHash: string;
  /** The backbone with its files found (absolute `path` / `weights`): what is loaded; the id uses `config.backbone`. */
  readonly backbone: BackboneConfig;
  /** The weights in words, as the run records them: `imagenet (keras h5)`, `embedded (nsfwjs)`, a path. */
  readonly weightsSource: string;
  /** The layer whose features are computed frozen and cached: the cutoff, or where fine-tuning starts. */
  readonly frozenCutoff: string;
}

export interface VariantContext {
  readonly specDir: string;
  readonly dataRoot: string | undefined;
  readonly cacheDir: string;
  readonly weights: WeightsSettings;
  readonly warn: (message: string) => void;
  /** Told each backbone to check (its files found) and its image size before the check, so that worker processes can start loading it. */
  readonly located?: ((backbone: BackboneConfig, imageSize: [number, number]) => void) | undefined;
}

/**
 * Resolves each distinct dataset and backbone once, checks layer names, and computes variant ids:
 * everything that can fail on bad input fails here, before the first variant trains.
 */
export async function identifyVariants(experiment: string, planned: readonly PlannedVariant[], context: VariantContext): Promise<Variant[]> {
  const datasets = new Map<string, Promise<Dataset>>();
  const weights = new Map<string, Promise<string>>();
  const checks = new Map<string, Promise<BackboneFacts>>();
  return Promise.all(
    planned.map(async (variant) => {
      const { config } = variant;
      const dataKey = canonicalJson({ data: config.data, seed: config.seed });
      if (!datasets.has(dataKey)) {
        const resolving = resolveDataset(config.data, { seed: config.seed, specDir: context.specDir, dataRoot: context.dataRoot, cacheDir: context.cacheDir });
        datasets.set(dataKey, resolving.then((dataset) => (reportSkipped(dataset, context.warn), dataset)));
      }
      const { backbone, weightsSource } = await locateBackbone(config.backbone, config.data.image_size, context);
      const checkKey = canonicalJson({ backbone, size: config.data.image_size, preprocessing: preprocessingOf(config.data) });
      if (!checks.has(checkKey)) {
        context.located?.(backbone, config.data.image_size);
        checks.set(checkKey, checkBackbone(backbone, config.data.image_size, preprocessingOf(config.data), context));
      }
      const weightsKey = canonicalJson({ name: backbone.name, path: backbone.path, weights: backbone.weights });
      if (!weights.has(weightsKey)) weights.set(weightsKey, backboneWeightsHash(backbone));
      const [dataset, weightsHash, { frozenCutoff, featureShape }] = await Promise.all([datasets.get(dataKey)!, weights.get(weightsKey)!, checks.get(checkKey)!]);
      checkHeadSize({ featureShape, cutoff: config.backbone.cutoff, head: config.head, optimizer: config.train.optimizer, classCount: dataset.classes.length });
      const id = variantId({ experiment, config, datasetFingerprint: dataset.fingerprint, weightsHash });
      return { ...variant, id, dataset, weightsHash, backbone, weightsSource, frozenCutoff };
    }),
  );
}

const listedSkips = 20;

/** Unreadable images are skipped, not fatal: say which, once per dataset, so nobody trains on less than they think. */
function reportSkipped(dataset: Dataset, warn: (message: string) => void): void {
  if (dataset.skipped.length === 0) return;
  const lines = dataset.skipped.slice(0, listedSkips).map((file) => `  ${file.path}: ${file.reason}`);
  const more = dataset.skipped.length > listedSkips ? [`  … and ${dataset.skipped.length - listedSkips} more`] : [];
  warn([`Skipping ${dataset.skipped.length} unreadable image file(s):`, ...lines, ...more].join('\n'));
}

interface BackboneFacts {
  /** The layer the frozen part ends at. */
  readonly frozenCutoff: string;
  /** The cutoff's output: what the head takes. */
  readonly featureShape: readonly number[];
}

/**
 * Fails on unknown layer names, a fine-tuning start that cannot be cut cleanly, and an image size
 * the network cannot take down to the cutoff (building it is the only reliable check of that, and
 * takes a second), before anything is stored.
 */
async function checkBackbone(backbone: BackboneConfig, imageSize: [number, number], preprocessing: Preprocessing, context: VariantContext): Promise<BackboneFacts> {
  const { rescalingLayers } = await validateBackboneConfig(backbone, imageSize);
  if (rescalingLayers.length > 0 && !(preprocessing.mode === 'rescale' && preprocessing.rescale === 1)) {
    context.warn(
      `backbone ${backbone.path ?? backbone.name} rescales its own input (${rescalingLayers.join(', ')}) and data.preprocessing scales pixels too: ` +
        'they will be scaled twice; set data.preprocessing: rescale with data.rescale: 1 if that is not intended.',
    );
  }
  const frozenCutoff = backbone.trainable_from === undefined ? backbone.cutoff : (await planTrainableBlock(backbone)).boundary;
  const built = await loadBackbone(backbone, imageSize);
  built.dispose();
  return { frozenCutoff, featureShape: built.featureShape };
}
