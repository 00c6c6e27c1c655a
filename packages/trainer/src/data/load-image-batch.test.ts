import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { augmentPresets } from '@tlab/core';
import { sharedDataset } from '@tlab/core/testing';
import type { DatasetItem } from './dataset.ts';
import { makeTempDir } from '../../test/fixture-images.ts';
import { loadImageBatch, type LoadImageBatchOptions } from './load-image-batch.ts';
import { resolveDataset } from './resolve-dataset.ts';

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('batch');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const plain: LoadImageBatchOptions = { imageSize: [20, 30], preprocessing: { mode: 'rescale', rescale: 1 / 255 }, augment: null, seed: 3, epoch: 0, sampleIds: [0] };

/** Writes raw pixels (channels 1–4) as a PNG and returns its item. */
async function png(name: string, width: number, height: number, channels: 1 | 2 | 3 | 4, pixel: (x: number, y: number) => number[], label = 0): Promise<DatasetItem> {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set(pixel(x, y), (y * width + x) * channels);
    }
  }
  const file = path.join(dir, name);
  const image = sharp(data, { raw: { width, height, channels } });
  await (channels <= 2 ? image.toColourspace('b-w') : image).png().toFile(file);
  return { path: file, label, sha256: 'unused-by-loading' };
}

function rgbAt(pixels: Float32Array, imageSize: readonly [number, number], index: number, row: number, col: number): number[] {
  const start = ((index * imageSize[0] + row) * imageSize[1] + col) * 3;
  return Array.from(pixels.subarray(start, start + 3));
}

describe('loadImageBatch', () => {
  it('resizes to exactly height×width ignoring the aspect ratio, RGB float32 × rescale, with labels', async () => {
    // 80 wide, 10 high: left half red, right half blue.
    const wide = await png('wide.png', 80, 10, 3, (x) => (x < 40 ? [255, 0, 0] : [0, 0, 255]), 1);
    const grey = await png('grey.png', 7, 7, 1, () => [102], 0);
    const batch = await loadImageBatch([wide, grey], { ...plain, sampleIds: [0, 1] });
    expect(batch.size).toBe(2);
    expect(batch.pixels).toBeInstanceOf(Float32Array);
    expect(batch.pixels).toHaveLength(2 * 20 * 30 * 3);
    expect(Array.from(batch.labels)).toEqual([1, 0]);
    expect(rgbAt(batch.pixels, plain.imageSize, 0, 10, 2)).toEqual([1, 0, 0]);
    expect(rgbAt(batch.pixels, plain.imageSize, 0, 19, 27)).toEqual([0, 0, 1]);
    expect(rgbAt(batch.pixels, plain.imageSize, 1, 5, 5)).toEqual([0.4, 0.4, 0.4].map(Math.fround));
  });

  it('drops alpha without blending (PIL convert RGB) and reads 16-bit and grey+alpha files', async () => {
    const rgba = await png('rgba.png', 4, 4, 4, () => [200, 100, 50, 128]);
    const greyAlpha = await png('grey-alpha.png', 4, 4, 2, () => [60, 0]);
    const deep = path.join(dir, 'deep.png');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 10, g: 20, b: 30 } } })
      .toColourspace('rgb16')
      .png()
      .toFile(deep);
    const size = [4, 4] as const;
    const batch = await loadImageBatch([rgba, greyAlpha, { path: deep, label: 0, sha256: 'unused-by-loading' }], { ...plain, imageSize: size, preprocessing: { mode: 'rescale', rescale: 1 }, sampleIds: [0, 1, 2] });
    expect(rgbAt(batch.pixels, size, 0, 1, 1)).toEqual([200, 100, 50]);
    expect(rgbAt(batch.pixels, size, 1, 1, 1)).toEqual([60, 60, 60]);
    expect(rgbAt(batch.pixels, size, 2, 1, 1)).toEqual([10, 20, 30]);
  });

  it('augments deterministically per (seed, epoch, sampleId), whatever the batch', async () => {
    const texture = await png('texture.png', 30, 20, 3, (x, y) => [(x * 8) & 255, (y * 12) & 255, ((x + y) * 5) & 255]);
    const other = await png('other.png', 30, 20, 3, () => [1, 2, 3]);
    const options = { ...plain, augment: augmentPresets.course, seed: 11, epoch: 2 };
    const alone = await loadImageBatch([texture], { ...options, sampleIds: [7] });
    const inBatch = await loadImageBatch([other, texture], { ...options, sampleIds: [3, 7] });
    const nextEpoch = await loadImageBatch([texture], { ...options, epoch: 3, sampleIds: [7] });
    const unaugmented = await loadImageBatch([texture], plain);
    expect(inBatch.pixels.subarray(20 * 30 * 3)).toEqual(alone.pixels);
    expect(nextEpoch.pixels).not.toEqual(alone.pixels);
    expect(alone.pixels).not.toEqual(unaugmented.pixels);
  });

  it('fails with TLAB_DATA_UNREADABLE, naming the file, when an image changed since it was resolved', async () => {
    const file = path.join(dir, 'gone.png');
    await expect(loadImageBatch([{ path: file, label: 0, sha256: 'unused-by-loading' }], plain)).rejects.toMatchObject({
      code: 'TLAB_DATA_UNREADABLE',
      message: expect.stringContaining(file),
    });
  });

  it('needs one sample id per item', async () => {
    await expect(loadImageBatch([], plain)).rejects.toThrow(RangeError);
  });
});

describe.skipIf(sharedDataset('horse-or-human') === undefined)('loadImageBatch on horse-or-human (needs ../shared/datasets)', () => {
  it('loads a batch of 20 at 150×150 with the course augmentation (needs ../shared/datasets)', async () => {
    const dataset = await resolveDataset(
      { train: 'train', validation: 'validation', image_size: [150, 150], preprocessing: 'rescale', rescale: 1 / 255, max_per_class: 10 },
      { seed: 42, specDir: dir, dataRoot: sharedDataset('horse-or-human') as string, cacheDir: dir },
    );
    const items = dataset.train.slice(0, 20);
    const batch = await loadImageBatch(items, {
      imageSize: [150, 150],
      preprocessing: { mode: 'rescale', rescale: 1 / 255 },
      augment: augmentPresets.course,
      seed: 42,
      epoch: 0,
      sampleIds: items.map((_, i) => i),
    });
    expect(batch.size).toBe(20);
    expect(batch.pixels).toHaveLength(20 * 150 * 150 * 3);
    expect(Array.from(batch.labels)).toEqual([...Array(10).fill(0), ...Array(10).fill(1)]);
    expect(batch.pixels.every((value) => value >= 0 && value <= 1)).toBe(true);
    // Rendered scenes: far from a constant image.
    const mean = batch.pixels.reduce((sum, value) => sum + value, 0) / batch.pixels.length;
    expect(mean).toBeGreaterThan(0.1);
    expect(mean).toBeLessThan(0.9);
  });
});
