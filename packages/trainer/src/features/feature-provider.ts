import { createHash } from 'node:crypto';
import type { DatasetItem, ImageBatch } from '../data/dataset.ts';
import type { LoadImageBatchOptions } from '../data/load-image-batch.ts';
import type { Preprocessing } from '../data/preprocessing.ts';
import { canonicalJson } from '@tlab/core';
import type { AugmentConfig } from '@tlab/core';
import type { FeatureCache } from './feature-cache.ts';
import type { FrozenExtractor } from './frozen-extractor.ts';

/** The data module's loader, or a test's stand-in with the same contract. */
export type LoadImageBatch = (items: readonly DatasetItem[], options: LoadImageBatchOptions) => Promise<ImageBatch>;

/** Which images a training or validation batch needs features of. */
export interface FeatureRequest {
  readonly items: readonly DatasetItem[];
  /** Per item: the augmentation draw's id (see trainVariant's epoch order). */
  readonly sampleIds: readonly number[];
  readonly epoch: number;
  /** null for validation and un-augmented training: such features never change between epochs. */
  readonly augment: AugmentConfig | null;
}

/** Backbone features for one variant's cutoff. */
export interface FeatureProvider {
  readonly featureShape: readonly number[];
  /** Contiguous [items, ...featureShape]. */
  features(request: FeatureRequest): Promise<Float32Array>;
  /** Images this provider ran the backbone on so far: every request without a cache, the misses with one. */
  computedImages(): number;
  /**
   * With a cache only: computes and keeps what a later `features(request)` would miss, so that it
   * (or another process sharing the cache) reads them instead.
   */
  readonly precompute?: (request: FeatureRequest) => Promise<void>;
}

export interface FeatureProviderOptions {
  readonly extractor: FrozenExtractor;
  readonly cutoff: string;
  readonly weightsHash: string;
  readonly imageSize: [number, number];
  readonly preprocessing: Preprocessing;
  readonly seed: number;
  readonly loadImageBatch: LoadImageBatch;
  /**
   * With a cache, an image's features are computed once per augmentation draw for every variant
   * and cutoff sharing the extractor; without one, every request runs the backbone, as Keras does.
   */
  readonly cache?: FeatureCache;
}

export function createFeatureProvider(options: FeatureProviderOptions): FeatureProvider {
  const { extractor, cutoff, cache } = options;
  const featureShape = extractor.featureShapes[cutoff];
  if (!featureShape) throw new RangeError(`the frozen part computes ${extractor.cutoffs.join(', ')}, not ${cutoff}`);
  const size = featureShape.reduce((a, b) => a * b, 1);

  let computed = 0;
  const compute = async (request: FeatureRequest): Promise<Record<string, Float32Array>> => {
    computed += request.items.length;
    const batch = await options.loadImageBatch(request.items, {
      imageSize: options.imageSize,
      preprocessing: options.preprocessing,
      augment: request.augment,
      seed: options.seed,
      epoch: request.epoch,
      sampleIds: request.sampleIds,
    });
    return extractor.extract(batch.pixels, batch.size);
  };

  if (!cache) {
    return { featureShape, features: async (request) => (await compute(request))[cutoff]!, computedImages: () => computed };
  }

  const keyOf = (layer: string, item: DatasetItem, sampleId: number, request: FeatureRequest): string =>
    createHash('sha256')
      .update(
        canonicalJson({
          engine: extractor.engine,
          weights: options.weightsHash,
          layer,
          size: options.imageSize,
          preprocessing: options.preprocessing,
          precision: cache.precision,
          image: item.sha256,
          // An augmented image is one draw of (seed, epoch, sample): that draw is part of its identity.
          draw: request.augment ? { augment: request.augment, seed: options.seed, epoch: request.epoch, sample: sampleId } : null,
        }),
      )
      .digest('hex');

  const keysOf = (layer: string, request: FeatureRequest): string[] => request.items.map((item, i) => keyOf(layer, item, request.sampleIds[i]!, request));
  const missingOf = (found: readonly unknown[]): number[] => found.flatMap((hit, i) => (hit ? [] : [i]));
  /** Runs the backbone on `request`'s items at `missing`, stores every cutoff's features and returns the stored ones of `cutoff`. */
  const computeMissing = async (request: FeatureRequest, missing: readonly number[]): Promise<Float32Array[]> => {
    const subset = { ...request, items: missing.map((i) => request.items[i]!), sampleIds: missing.map((i) => request.sampleIds[i]!) };
    const computed = await compute(subset);
    let ofCutoff: Float32Array[] = [];
    for (const layer of extractor.cutoffs) {
      const layerSize = extractor.featureShapes[layer]!.reduce((a, b) => a * b, 1);
      const stored = cache.putMany(missing.map((i, j) => [keyOf(layer, request.items[i]!, request.sampleIds[i]!, request), computed[layer]!.subarray(j * layerSize, (j + 1) * layerSize)] as const));
      if (layer === cutoff) ofCutoff = stored;
    }
    return ofCutoff;
  };

  return {
    featureShape,
    computedImages: () => computed,
    async features(request) {
      const out = new Float32Array(request.items.length * size);
      const cached = cache.getMany(keysOf(cutoff, request));
      cached.forEach((found, i) => found && out.set(found, i * size));
      const missing = missingOf(cached);
      // The cache's rounding applies on a miss too, so a cold and a warm run see the same numbers.
      if (missing.length > 0) (await computeMissing(request, missing)).forEach((stored, j) => out.set(stored, missing[j]! * size));
      return out;
    },
    async precompute(request) {
      const missing = missingOf(cache.hasMany(keysOf(cutoff, request)));
      if (missing.length > 0) await computeMissing(request, missing);
    },
  };
}
