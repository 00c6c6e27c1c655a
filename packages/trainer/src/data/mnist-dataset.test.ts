import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/fixture-images.ts';
import { loadImageBatch } from './load-image-batch.ts';
import { materialiseMnist } from './mnist-dataset.ts';
import { resolveDataset } from './resolve-dataset.ts';

let cacheDir: string;

beforeAll(async () => {
  cacheDir = await makeTempDir('mnist');
});
afterAll(async () => {
  await fs.rm(cacheDir, { recursive: true, force: true });
});

const selection = { name: 'mnist' as const, classes: ['8', '3'], train_per_class: 6, validation_per_class: 4 };

describe('builtin mnist', () => {
  it('writes the selection once as grey 28×28 PNG class folders, train and validation from disjoint samples', async () => {
    const dirs = await materialiseMnist(selection, cacheDir);
    expect(path.dirname(dirs.train)).toMatch(new RegExp(`^${cacheDir}/datasets/mnist-[0-9a-f]{12}$`));
    expect(await fs.readdir(dirs.train)).toEqual(['3', '8']);
    const trainNames = await fs.readdir(path.join(dirs.train, '3'));
    const validationNames = await fs.readdir(path.join(dirs.validation, '3'));
    expect(trainNames).toEqual(['0000.png', '0001.png', '0002.png', '0003.png', '0004.png', '0005.png']);
    // Digit 3 has 1032 samples in the package; validation takes the last four.
    expect(validationNames).toEqual(['1028.png', '1029.png', '1030.png', '1031.png']);
    const metadata = await sharp(path.join(dirs.train, '3', '0000.png')).metadata();
    expect([metadata.width, metadata.height, metadata.channels]).toEqual([28, 28, 1]);
    expect((await fs.readdir(path.join(cacheDir, 'datasets'))).filter((name) => name.startsWith('.'))).toEqual([]);

    const stamp = (await fs.stat(path.join(dirs.train, '3', '0000.png'))).mtimeMs;
    const again = await materialiseMnist({ ...selection, classes: ['3', '8'] }, cacheDir);
    expect(again).toEqual(dirs);
    expect((await fs.stat(path.join(dirs.train, '3', '0000.png'))).mtimeMs).toBe(stamp);
    const other = await materialiseMnist({ ...selection, train_per_class: 7 }, cacheDir);
    expect(other.train).not.toBe(dirs.train);
  });

  it('resolves like any class-folder dataset, with a fingerprint that is the same on every build', async () => {
    const data = { builtin: selection, image_size: [32, 32] as [number, number], preprocessing: 'rescale' as const, rescale: 1 / 255 };
    const dataset = await resolveDataset(data, { seed: 1, specDir: cacheDir, cacheDir });
    expect(dataset.classes).toEqual(['3', '8']);
    expect(dataset.train).toHaveLength(12);
    expect(dataset.validation).toHaveLength(8);
    const elsewhere = await makeTempDir('mnist-again');
    try {
      expect((await resolveDataset(data, { seed: 1, specDir: elsewhere, cacheDir: elsewhere })).fingerprint).toBe(dataset.fingerprint);
    } finally {
      await fs.rm(elsewhere, { recursive: true, force: true });
    }

    const batch = await loadImageBatch(dataset.train.slice(0, 2), { imageSize: [32, 32], preprocessing: { mode: 'rescale', rescale: 1 / 255 }, augment: null, seed: 1, epoch: 0, sampleIds: [0, 1] });
    expect(batch.pixels).toHaveLength(2 * 32 * 32 * 3);
    // Grey becomes three equal channels; digits are white strokes on black.
    for (let i = 0; i < batch.pixels.length; i += 3) {
      expect(batch.pixels[i + 1]).toBe(batch.pixels[i]);
      expect(batch.pixels[i + 2]).toBe(batch.pixels[i]);
    }
    expect(Math.max(...batch.pixels)).toBeGreaterThan(0.9);
    expect(batch.pixels[0]).toBe(0);
  });

  it('refuses unknown or repeated classes and more samples than a digit has', async () => {
    await expect(materialiseMnist({ ...selection, classes: ['3', 'eight'] }, cacheDir)).rejects.toMatchObject({
      code: 'TLAB_DATA_BUILTIN_CLASS',
      message: expect.stringContaining("unknown class 'eight'"),
    });
    await expect(materialiseMnist({ ...selection, classes: ['3', '3'] }, cacheDir)).rejects.toMatchObject({ code: 'TLAB_DATA_BUILTIN_CLASS' });
    // Digit 5 has the fewest samples: 863.
    await expect(materialiseMnist({ ...selection, classes: ['1', '5'], train_per_class: 800, validation_per_class: 64 }, cacheDir)).rejects.toMatchObject({
      code: 'TLAB_DATA_BUILTIN_COUNT',
      message: expect.stringContaining('class 5 has only 863 images'),
    });
  });
});
