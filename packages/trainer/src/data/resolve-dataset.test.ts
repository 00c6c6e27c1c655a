import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '@tlab/core';
import { sharedDataset } from '@tlab/core/testing';
import { decompressionBomb, makeTempDir, writeClassFolders, writeImage } from '../../test/fixture-images.ts';
import { resolveDataset } from './resolve-dataset.ts';
import { caughtTlabError } from '@tlab/core/testing';

function dataConfig(data: Partial<ResolvedConfig['data']>): ResolvedConfig['data'] {
  return { image_size: [150, 150], preprocessing: 'rescale', rescale: 1 / 255, ...data };
}

let workDir: string;
let caseNumber = 0;
const cacheDir = (): string => path.join(workDir, 'cache');

beforeAll(async () => {
  workDir = await makeTempDir('resolve');
});
afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true });
});

/** A fresh folder per test, with `layout` written under it. */
async function folder(layout: Record<string, Record<string, number>> = {}): Promise<string> {
  const dir = path.join(workDir, `case-${caseNumber++}`);
  await fs.mkdir(dir, { recursive: true });
  await writeClassFolders(dir, layout);
  return dir;
}

async function resolveIn(specDir: string, data: Partial<ResolvedConfig['data']>, dataRoot?: string) {
  return resolveDataset(dataConfig(data), { seed: 1, specDir, cacheDir: cacheDir(), ...(dataRoot === undefined ? {} : { dataRoot }) });
}

describe('resolveDataset on class folders', () => {
  it('lists classes and files in byte order with labels, any image extension case, nothing else', async () => {
    const dir = await folder({ train: { zebra: 2, cat: 3 }, validation: { zebra: 1, cat: 1 } });
    await writeImage(path.join(dir, 'train/cat/Upper.JPEG'));
    await writeImage(path.join(dir, 'train/cat/b.PNG'));
    await writeImage(path.join(dir, 'train/cat/nested/deep.webp'));
    await fs.writeFile(path.join(dir, 'train/cat/notes.txt'), 'not an image');
    await writeImage(path.join(dir, 'train/cat/._img-00.jpg'));
    await fs.mkdir(path.join(dir, 'train/.ipynb_checkpoints'));
    await fs.mkdir(path.join(dir, 'validation/.ipynb_checkpoints'));
    const dataset = await resolveIn(dir, { train: 'train', validation: 'validation' });
    expect(dataset.classes).toEqual(['cat', 'zebra']);
    expect(dataset.train.map((item) => [path.relative(dir, item.path), item.label])).toEqual([
      ['train/cat/Upper.JPEG', 0],
      ['train/cat/b.PNG', 0],
      ['train/cat/img-00.jpg', 0],
      ['train/cat/img-01.jpg', 0],
      ['train/cat/img-02.jpg', 0],
      ['train/cat/nested/deep.webp', 0],
      ['train/zebra/img-00.jpg', 1],
      ['train/zebra/img-01.jpg', 1],
    ]);
    expect(dataset.validation.map((item) => item.label)).toEqual([0, 1]);
    expect(dataset.skipped).toEqual([]);
    expect(dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('resolves relative folders against dataRoot, else data.root (relative to the spec), else the spec folder', async () => {
    const dir = await folder({ 'data/train': { a: 1, b: 1 }, 'data/validation': { a: 1, b: 1 } });
    const paths = { train: 'train', validation: 'validation' };
    const fromRoot = await resolveIn(dir, { ...paths, root: 'data' });
    const fromOverride = await resolveIn(path.join(dir, 'elsewhere'), { ...paths, root: 'ignored' }, path.join(dir, 'data'));
    const fromSpec = await resolveIn(path.join(dir, 'data'), paths);
    expect(fromRoot.train[0]?.path).toBe(path.join(dir, 'data/train/a/img-00.jpg'));
    expect(fromOverride).toEqual(fromRoot);
    expect(fromSpec).toEqual(fromRoot);
  });

  it('holds out the first int(fraction · n) files of each class for validation_split, as Keras', async () => {
    const dir = await folder({ all: { a: 10, b: 4 } });
    const dataset = await resolveIn(dir, { train: 'all', validation_split: 0.25 });
    const names = (items: typeof dataset.train): string[] => items.map((item) => path.relative(path.join(dir, 'all'), item.path));
    expect(names(dataset.validation)).toEqual(['a/img-00.jpg', 'a/img-01.jpg', 'b/img-00.jpg']);
    expect(dataset.train).toHaveLength(8 + 3);
    expect(names(dataset.train)[0]).toBe('a/img-02.jpg');
  });

  it('takes the first max_per_class files of each class and split by name', async () => {
    const dir = await folder({ train: { a: 5, b: 2 }, validation: { a: 4, b: 4 } });
    const dataset = await resolveIn(dir, { train: 'train', validation: 'validation', max_per_class: 3 });
    expect(dataset.train.map((item) => path.basename(item.path))).toEqual(['img-00.jpg', 'img-01.jpg', 'img-02.jpg', 'img-00.jpg', 'img-01.jpg']);
    expect(dataset.validation).toHaveLength(6);
  });
});

describe('resolveDataset errors', () => {
  it('TLAB_DATA_MISSING names the folder and how it was resolved', async () => {
    const dir = await folder({ train: { a: 1, b: 1 } });
    const missingTrain = await caughtTlabError(resolveIn(dir, { train: 'nope', validation: 'train', root: '.' }));
    expect(missingTrain.code).toBe('TLAB_DATA_MISSING');
    expect(missingTrain.message).toContain(`data.train: folder ${path.join(dir, 'nope')}`);
    expect(missingTrain.message).toContain("data.root '.'");
    const missingValidation = await caughtTlabError(resolveIn(dir, { train: 'train', validation: 'val' }));
    expect(missingValidation.code).toBe('TLAB_DATA_MISSING');
    expect(missingValidation.message).toContain(`data.validation: folder ${path.join(dir, 'val')}`);
    await fs.writeFile(path.join(dir, 'file'), '');
    expect((await caughtTlabError(resolveIn(dir, { train: 'file', validation_split: 0.2 }))).code).toBe('TLAB_DATA_MISSING');
  });

  it('TLAB_DATA_EMPTY for no class folders, a class without images, and a split that holds out nothing', async () => {
    const dir = await folder({ train: { a: 2, b: 2 } });
    await fs.mkdir(path.join(dir, 'flat'));
    await writeImage(path.join(dir, 'flat/loose.jpg'));
    const flat = await caughtTlabError(resolveIn(dir, { train: 'flat', validation_split: 0.5 }));
    expect(flat).toMatchObject({ code: 'TLAB_DATA_EMPTY' });
    expect(flat.message).toContain('no class sub-folders');
    await fs.mkdir(path.join(dir, 'train/c'));
    const emptyClass = await caughtTlabError(resolveIn(dir, { train: 'train', validation_split: 0.5 }));
    expect(emptyClass.code).toBe('TLAB_DATA_EMPTY');
    expect(emptyClass.message).toContain(`class folder 'c' has no images in ${path.join(dir, 'train/c')}`);
    await fs.rmdir(path.join(dir, 'train/c'));
    const nothingHeld = await caughtTlabError(resolveIn(dir, { train: 'train', validation_split: 0.4 }));
    expect(nothingHeld.code).toBe('TLAB_DATA_EMPTY');
    expect(nothingHeld.message).toContain('validation_split 0.4 holds out no image');
  });

  it('TLAB_DATA_SINGLE_CLASS when train has one class folder', async () => {
    const dir = await folder({ train: { only: 3 }, validation: { only: 1 } });
    const error = await caughtTlabError(resolveIn(dir, { train: 'train', validation: 'validation' }));
    expect(error.code).toBe('TLAB_DATA_SINGLE_CLASS');
    expect(error.message).toContain(`found 1 class folder (only) in ${path.join(dir, 'train')}`);
  });

  it('TLAB_DATA_CLASS_MISMATCH says which classes are only on which side', async () => {
    const dir = await folder({ train: { cat: 1, dog: 1, owl: 1 }, validation: { cat: 1, dgo: 1 } });
    const error = await caughtTlabError(resolveIn(dir, { train: 'train', validation: 'validation' }));
    expect(error.code).toBe('TLAB_DATA_CLASS_MISMATCH');
    expect(error.message).toContain(`only in train (${path.join(dir, 'train')}): dog, owl`);
    expect(error.message).toContain(`only in validation (${path.join(dir, 'validation')}): dgo`);
  });
});

describe('resolveDataset with unreadable files', () => {
  it('skips and lists zero-byte, truncated, non-image and decompression-bomb files, and trains on the rest', async () => {
    const dir = await folder({ train: { a: 2, b: 2 }, validation: { a: 1, b: 1 } });
    const good = await fs.readFile(path.join(dir, 'train/a/img-00.jpg'));
    await fs.writeFile(path.join(dir, 'train/a/empty.jpg'), '');
    await fs.writeFile(path.join(dir, 'train/a/truncated.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    await fs.writeFile(path.join(dir, 'train/b/text.png'), 'this is not a png');
    await fs.writeFile(path.join(dir, 'validation/b/bomb.png'), await decompressionBomb());
    const dataset = await resolveIn(dir, { train: 'train', validation: 'validation' });
    expect(dataset.train).toHaveLength(4);
    expect(dataset.validation).toHaveLength(2);
    const reasons = Object.fromEntries(dataset.skipped.map((file) => [path.relative(dir, file.path), file.reason]));
    expect(Object.keys(reasons)).toEqual(['train/a/empty.jpg', 'train/a/truncated.jpg', 'train/b/text.png', 'validation/b/bomb.png']);
    expect(reasons['train/a/empty.jpg']).toBe('empty file (0 bytes)');
    expect(reasons['train/a/truncated.jpg']).toMatch(/premature end/i);
    expect(reasons['train/b/text.png']).toMatch(/unsupported image format/);
    expect(reasons['validation/b/bomb.png']).toMatch(/decompression bomb/);
  });

  it('fails with TLAB_DATA_EMPTY when no image of a class decodes, naming one reason', async () => {
    const dir = await folder({ train: { a: 2 }, validation: { a: 1, b: 1 } });
    await fs.mkdir(path.join(dir, 'train/b'));
    await fs.writeFile(path.join(dir, 'train/b/x.jpg'), '');
    const error = await caughtTlabError(resolveIn(dir, { train: 'train', validation: 'validation' }));
    expect(error.code).toBe('TLAB_DATA_EMPTY');
    expect(error.message).toContain("no image of class 'b' could be decoded (1 unreadable, e.g.");
  });

  it('does not hang on link loops: linked folders are not descended, looping file links are skipped', async () => {
    const dir = await folder({ train: { a: 2, b: 2 }, validation: { a: 1, b: 1 } });
    await fs.symlink(path.join(dir, 'train'), path.join(dir, 'train/a/up'));
    await fs.symlink(path.join(dir, 'train/a'), path.join(dir, 'train/a/self.jpg'));
    await fs.symlink('loop-2.jpg', path.join(dir, 'train/b/loop-1.jpg'));
    await fs.symlink('loop-1.jpg', path.join(dir, 'train/b/loop-2.jpg'));
    await fs.symlink('self-class', path.join(dir, 'train/self-class'));
    await fs.symlink(path.join(dir, 'train/b/img-00.jpg'), path.join(dir, 'train/b/linked.jpg'));
    const dataset = await resolveIn(dir, { train: 'train', validation: 'validation' });
    expect(dataset.classes).toEqual(['a', 'b']);
    expect(dataset.train.map((item) => path.basename(item.path))).toEqual(['img-00.jpg', 'img-01.jpg', 'img-00.jpg', 'img-01.jpg', 'linked.jpg']);
    expect(dataset.skipped.map((file) => [path.basename(file.path), file.reason])).toEqual([
      ['self.jpg', 'not read: it is a folder, not an image file'],
      ['loop-1.jpg', 'cannot read: ELOOP'],
      ['loop-2.jpg', 'cannot read: ELOOP'],
    ]);
  });
});

describe('dataset fingerprint', () => {
  it('is the same for a copy of the same files elsewhere, and changes when one byte, a name or the split changes', async () => {
    const layout = { train: { a: 2, b: 2 }, validation: { a: 1, b: 1 } };
    const paths = { train: 'train', validation: 'validation' };
    const first = await folder(layout);
    const copy = await folder(layout);
    const original = (await resolveIn(first, paths)).fingerprint;
    expect((await resolveIn(copy, paths)).fingerprint).toBe(original);

    const file = path.join(copy, 'train/b/img-01.jpg');
    const bytes = await fs.readFile(file);
    // A byte near the end of the entropy-coded data: the image still decodes.
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 1;
    await fs.writeFile(file, bytes);
    const changed = await resolveIn(copy, paths);
    expect(changed.skipped).toEqual([]);
    expect(changed.fingerprint).not.toBe(original);

    const renamed = await folder(layout);
    await fs.rename(path.join(renamed, 'train/a/img-00.jpg'), path.join(renamed, 'train/a/img-00b.jpg'));
    expect((await resolveIn(renamed, paths)).fingerprint).not.toBe(original);
    // The same files, with a/img-01.jpg in validation instead of train.
    const moved = await folder({ train: { a: 1, b: 2 }, validation: { a: 2, b: 1 } });
    expect((await resolveIn(moved, paths)).fingerprint).not.toBe(original);
  });

  it('ignores unused files: max_per_class and skipped files leave it alone', async () => {
    const dir = await folder({ train: { a: 2, b: 2 }, validation: { a: 1, b: 1 } });
    const paths = { train: 'train', validation: 'validation' };
    const before = (await resolveIn(dir, paths)).fingerprint;
    await fs.writeFile(path.join(dir, 'train/a/zzz-broken.jpg'), 'broken');
    expect((await resolveIn(dir, paths)).fingerprint).toBe(before);
    await writeImage(path.join(dir, 'train/a/zzz-extra.jpg'));
    expect((await resolveIn(dir, paths)).fingerprint).not.toBe(before);
    expect((await resolveIn(dir, { ...paths, max_per_class: 2 })).fingerprint).toBe(before);
  });
});

describe.skipIf(sharedDataset('horse-or-human') === undefined)('horse-or-human (needs ../shared/datasets)', () => {
  // How fast it resolves is the streaming benchmark's business; a timed unit test fails on a busy machine.
  it('resolves 2 classes, 1027 train and 256 validation images (needs ../shared/datasets)', async () => {
    const root = sharedDataset('horse-or-human') as string;
    const dataset = await resolveDataset(dataConfig({ train: 'train', validation: 'validation' }), {
      seed: 42,
      specDir: workDir,
      dataRoot: root,
      cacheDir: cacheDir(),
    });
    expect(dataset.classes).toEqual(['horses', 'humans']);
    expect(dataset.train).toHaveLength(1027);
    expect(dataset.validation).toHaveLength(256);
    expect(dataset.train.filter((item) => item.label === 0)).toHaveLength(500);
    expect(dataset.skipped).toEqual([]);
  });
});
