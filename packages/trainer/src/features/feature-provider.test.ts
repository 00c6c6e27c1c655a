import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../data/dataset.ts';
import type { Preprocessing } from '../data/preprocessing.ts';
import { selectBackend } from '../engine/select-backend.ts';
import { createRandom, deriveSeed } from '@tlab/core';
import { augmentPresets } from '@tlab/core';
import { FeatureCache } from './feature-cache.ts';
import { createFeatureProvider, type LoadImageBatch } from './feature-provider.ts';
import { createFrozenExtractor, type FrozenExtractor } from './frozen-extractor.ts';
import { loadFrozenPart, type FrozenPart } from './frozen-part.ts';

const imageSize: [number, number] = [16, 16];
const items: DatasetItem[] = Array.from({ length: 6 }, (_, i) => ({ path: `img${i}.png`, label: i % 2, sha256: `sha-${i}` }));

/** Pixels derived from (image, augmentation draw), counting how many images were decoded. */
function countingLoader(): { load: LoadImageBatch; decoded: () => number } {
  let decoded = 0;
  const load: LoadImageBatch = async (batch, options) => {
    decoded += batch.length;
    const per = imageSize[0] * imageSize[1] * 3;
    const pixels = new Float32Array(batch.length * per);
    batch.forEach((item, i) => {
      const draw = options.augment ? `${options.epoch}/${options.sampleIds[i]}` : 'plain';
      const random = createRandom(deriveSeed(options.seed, item.sha256, draw));
      for (let p = 0; p < per; p++) pixels[i * per + p] = random.next();
    });
    return { pixels, labels: Int32Array.from(batch, (item) => item.label), size: batch.length };
  };
  return { load, decoded: () => decoded };
}

const request = (epoch = 0, augmented = false) => ({
  items,
  sampleIds: items.map((_, i) => i),
  epoch,
  augment: augmented ? augmentPresets.course : null,
});

describe.each(['tfjs', 'onnx'] as const)('feature provider on the %s engine (tiny_cnn)', (engine) => {
  let part: FrozenPart;
  let extractor: FrozenExtractor;
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'tlab-provider-'));
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
    part = await loadFrozenPart({ name: 'tiny_cnn', cutoff: 'block3' }, ['block3', 'block2'], imageSize);
    extractor = await createFrozenExtractor(part, { engine, cacheDir, warn: () => undefined, tfjsThreads: 1 });
  });
  afterAll(async () => {
    await extractor.dispose();
    part.dispose();
  });

  const provider = (cutoff: string, loader: LoadImageBatch, cache?: FeatureCache, keys: { weightsHash?: string; preprocessing?: Preprocessing } = {}) =>
    createFeatureProvider({
      extractor,
      cutoff,
      weightsHash: keys.weightsHash ?? part.backbone.weightsHash,
      imageSize,
      preprocessing: keys.preprocessing ?? { mode: 'rescale', rescale: 1 },
      seed: 5,
      loadImageBatch: loader,
      ...(cache ? { cache } : {}),
    });

  it('taps every cutoff in one pass, each with its own shape', () => {
    expect(extractor.engine).toBe(engine);
    expect(part.cutoffs).toEqual(['block2', 'block3']);
    expect(part.featureShapes['block3']!.length).toBe(3);
    expect(part.featureShapes['block2']).not.toEqual(part.featureShapes['block3']);
  });

  it('computes each image once for every cutoff and variant sharing the cache, and a warm read equals the cold one', async () => {
    const cache = new FeatureCache(path.join(cacheDir, `shared-${engine}`));
    const { load, decoded } = countingLoader();
    const cold = await provider('block3', load, cache).features(request());
    const otherCutoff = await provider('block2', load, cache).features(request());
    const warm = await provider('block3', load, cache).features(request());
    expect(decoded()).toBe(items.length);
    expect(warm).toEqual(cold);
    expect(otherCutoff.length).toBe(items.length * part.featureShapes['block2']!.reduce((a, b) => a * b, 1));
    cache.close();
  });

  it('precomputes into the cache only what is missing, for every cutoff, and only with a cache', async () => {
    const cache = new FeatureCache(path.join(cacheDir, `precompute-${engine}`));
    const { load, decoded } = countingLoader();
    const half = { ...request(), items: items.slice(0, 3), sampleIds: [0, 1, 2] };
    await provider('block3', load, cache).features(half);
    await provider('block3', load, cache).precompute!(request());
    expect(decoded()).toBe(items.length);
    const precomputed = await provider('block2', load, cache).features(request());
    expect(decoded()).toBe(items.length);
    expect(precomputed).toEqual(await provider('block2', countingLoader().load, new FeatureCache(path.join(cacheDir, `precompute-cold-${engine}`))).features(request()));
    expect(provider('block3', load).precompute).toBeUndefined();
    cache.close();
  });

  it('never serves features of other weights or another preprocessing (embedded and ImageNet features never mix)', async () => {
    const cache = new FeatureCache(path.join(cacheDir, `keys-${engine}`));
    const { load, decoded } = countingLoader();
    await provider('block3', load, cache).features(request());
    await provider('block3', load, cache, { weightsHash: 'f'.repeat(64) }).features(request());
    await provider('block3', load, cache, { preprocessing: { mode: 'tf', rescale: 1 } }).features(request());
    expect(decoded()).toBe(3 * items.length);
    await provider('block3', load, cache, { weightsHash: 'f'.repeat(64) }).features(request());
    expect(decoded()).toBe(3 * items.length);
    cache.close();
  });

  it('keys augmented features by epoch: a new epoch is a new draw', async () => {
    const cache = new FeatureCache(path.join(cacheDir, `augmented-${engine}`));
    const { load, decoded } = countingLoader();
    const variant = provider('block3', load, cache);
    const first = await variant.features(request(1, true));
    await variant.features(request(1, true));
    const second = await variant.features(request(2, true));
    expect(decoded()).toBe(2 * items.length);
    expect(second).not.toEqual(first);
    cache.close();
  });

  it('with a float32 cache, gives exactly what the uncached engine gives', async () => {
    const cache = new FeatureCache(path.join(cacheDir, `exact-${engine}`), { precision: 'float32' });
    const { load, decoded } = countingLoader();
    const direct = provider('block3', load);
    const uncached = await direct.features(request());
    await direct.features(request());
    expect(decoded()).toBe(2 * items.length);
    expect(await provider('block3', load, cache).features(request())).toEqual(uncached);
    cache.close();
  });
});
