import path from 'node:path';
import {
  backboneWeightsHash,
  canonicalJson,
  resolveDataset,
  validateBackboneConfig,
  variantId,
  type BackboneConfig,
  type Dataset,
  type PlannedVariant,
} from '@tlab/core';

/** A planned variant with everything its id depends on resolved. */
export interface Variant extends PlannedVariant {
  readonly id: string;
  readonly dataset: Dataset;
  readonly weightsHash: string;
}

export interface VariantContext {
  readonly specDir: string;
  readonly dataRoot: string | undefined;
  readonly cacheDir: string;
  readonly warn: (message: string) => void;
}

/**
 * Resolves each distinct dataset and backbone once, checks layer names, and computes variant ids:
 * everything that can fail on bad input fails here, before the first variant trains.
 */
export async function identifyVariants(experiment: string, planned: readonly PlannedVariant[], context: VariantContext): Promise<Variant[]> {
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

/** Fails on unknown layer names; returns the weights hash for the variant id. */
async function checkBackbone(backbone: BackboneConfig, rescale: number, context: VariantContext): Promise<string> {
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
export function locateBackbone<B extends Pick<BackboneConfig, 'path'>>(backbone: B, specDir: string): B {
  return backbone.path === undefined ? backbone : { ...backbone, path: path.resolve(specDir, backbone.path) };
}
