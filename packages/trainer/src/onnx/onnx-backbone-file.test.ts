import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backbone } from '../backbones/backbone.ts';
import { loadBackbone } from '../backbones/load-backbone.ts';
import { selectBackend } from '../engine/select-backend.ts';
import { onnxBackboneFile } from './onnx-backbone-file.ts';
import { createOnnxFeatureExtractor } from './onnx-feature-extractor.ts';

describe('onnxBackboneFile', () => {
  let cacheDir: string;
  let backbone: Backbone;

  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tlab-onnx-cache-'));
    backbone = await loadBackbone({ name: 'tiny_cnn', cutoff: 'block3' }, [32, 32]);
  });

  afterAll(async () => {
    backbone.dispose();
    await fs.rm(cacheDir, { recursive: true, force: true });
  });

  it('converts once, then returns the same file without rewriting it', async () => {
    const file = await onnxBackboneFile(backbone, ['block3', 'block2'], cacheDir);
    expect(path.dirname(file)).toBe(path.join(cacheDir, 'onnx'));
    expect(path.basename(file)).toMatch(/^tiny_cnn-block2\+block3-32x32-[0-9a-f]{16}\.onnx$/);
    const before = await fs.stat(file);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await onnxBackboneFile(backbone, ['block2', 'block3', 'block2'], cacheDir)).toBe(file);
    const after = await fs.stat(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(await fs.readdir(path.dirname(file))).toEqual([path.basename(file)]);
  });

  it('keys on the output layers and the image size, and the file runs on onnxruntime', async () => {
    const block2 = await onnxBackboneFile(backbone, ['block2'], cacheDir);
    const larger = await loadBackbone({ name: 'tiny_cnn', cutoff: 'block2' }, [48, 48]);
    const block2At48 = await onnxBackboneFile(larger, ['block2'], cacheDir);
    larger.dispose();
    expect(new Set([block2, block2At48, await onnxBackboneFile(backbone, ['block2', 'block3'], cacheDir)]).size).toBe(3);
    const extractor = await createOnnxFeatureExtractor(block2At48, { threads: 1 });
    const features = await extractor.run(new Float32Array(2 * 48 * 48 * 3).fill(0.5), 2, 48, 48);
    expect(features['block2']!.shape).toEqual([2, 24, 24, 32]);
    await expect(extractor.run(new Float32Array(10), 2, 48, 48)).rejects.toThrow(RangeError);
    await expect(extractor.run(new Float32Array(32 * 32 * 3), 1, 32, 32)).rejects.toThrow('takes 48×48 images, got 32×32');
    await extractor.dispose();
  });

  it('reports a model onnxruntime cannot load with a stable code', async () => {
    await expect(createOnnxFeatureExtractor(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'TLAB_ONNX_RUNTIME_FAILED' });
  });
});
