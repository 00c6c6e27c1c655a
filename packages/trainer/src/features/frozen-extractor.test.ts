import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackboneConfig } from '../backbones/backbone.ts';
import { backboneWeightsHash } from '../backbones/load-backbone.ts';
import { selectBackend } from '../engine/select-backend.ts';
import { createFrozenExtractor, openConvertedFrozenPart, type FrozenExtractorOptions } from './frozen-extractor.ts';
import { loadFrozenPart } from './frozen-part.ts';

describe('openConvertedFrozenPart (tiny_cnn)', () => {
  const backbone: BackboneConfig = { name: 'tiny_cnn', cutoff: 'block3' };
  const imageSize: [number, number] = [32, 32];
  const cutoffs = ['block3', 'block2'];
  let options: FrozenExtractorOptions;
  let weightsHash: string;

  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
    const cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tlab-converted-part-'));
    options = { engine: 'onnx', cacheDir, warn: () => undefined, tfjsThreads: 1, onnxThreads: 1 };
    weightsHash = await backboneWeightsHash(backbone);
  });

  afterAll(async () => {
    await fs.rm(options.cacheDir, { recursive: true, force: true });
  });

  it('opens the file a built part was converted to, with the same feature shapes and features, and nothing before it exists', async () => {
    expect(await openConvertedFrozenPart(backbone, cutoffs, imageSize, weightsHash, options)).toBeUndefined();

    const part = await loadFrozenPart(backbone, cutoffs, imageSize);
    const built = await createFrozenExtractor(part, options);
    const converted = await openConvertedFrozenPart(backbone, ['block2', 'block3', 'block2'], imageSize, weightsHash, options);
    expect(converted).toBeDefined();
    expect([converted!.engine, converted!.threads, [...converted!.cutoffs].sort()]).toEqual(['onnx', 1, ['block2', 'block3']]);
    expect(converted!.featureShapes).toEqual(built.featureShapes);

    const pixels = Float32Array.from({ length: 3 * 32 * 32 * 3 }, (_, i) => (i % 251) / 250);
    const [fromBuilt, fromFile] = await Promise.all([built.extract(pixels, 3), converted!.extract(pixels, 3)]);
    for (const cutoff of cutoffs) expect(fromFile[cutoff]).toEqual(fromBuilt[cutoff]);
    await Promise.all([built.dispose(), converted!.dispose()]);
    part.dispose();
  });

  it('opens nothing for other weights, another size or cutoff, or the tfjs engine', async () => {
    const part = await loadFrozenPart(backbone, cutoffs, imageSize);
    await (await createFrozenExtractor(part, options)).dispose();
    part.dispose();
    expect(await openConvertedFrozenPart(backbone, cutoffs, imageSize, 'f'.repeat(64), options)).toBeUndefined();
    expect(await openConvertedFrozenPart(backbone, cutoffs, [48, 48], weightsHash, options)).toBeUndefined();
    expect(await openConvertedFrozenPart(backbone, ['block2'], imageSize, weightsHash, options)).toBeUndefined();
    expect(await openConvertedFrozenPart(backbone, cutoffs, imageSize, weightsHash, { ...options, engine: 'tfjs' })).toBeUndefined();
    const reopened = await openConvertedFrozenPart(backbone, cutoffs, imageSize, weightsHash, options);
    expect(reopened).toBeDefined();
    await reopened!.dispose();
  });
});
