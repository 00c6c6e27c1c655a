import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackboneConfig } from '../backbones/backbone.ts';
import { caughtTlabError } from '@tlab/core/testing';
import { locateBackbone, type LocateContext } from './locate-backbone.ts';

const kerasFile = 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5';
const imagenet: BackboneConfig = { name: 'inception_v3', weights: 'imagenet', cutoff: 'mixed7' };
let root: string;
let context: (weightsDir?: string) => LocateContext;

async function place(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, 'placed');
  return file;
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'tlab-locate-'));
  context = (weightsDir) => ({
    specDir: path.join(root, 'spec'),
    cacheDir: path.join(root, 'cache'),
    weights: { weightsDir, kerasCacheDir: path.join(root, 'home/.keras/models'), download: false },
  });
});

afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('locateBackbone finds weights as keras.applications does', () => {
  it('refuses imagenet offline with nothing found, naming the URL and every place looked, in search order', async () => {
    const error = await caughtTlabError(locateBackbone(imagenet, [150, 150], context(path.join(root, 'empty'))));
    expect(error.code).toBe('TLAB_WEIGHTS_MISSING');
    const looked = ['empty', 'cache/weights', 'home/.keras/models'].flatMap((dir) => [
      path.join(root, dir, kerasFile),
      path.join(root, dir, 'inception_v3_imagenet/model.json'),
    ]);
    expect(error.message).toContain(`Looked in: ${looked.join(', ')}.`);
    expect(error.message).toContain(`Download https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/${kerasFile}`);
    expect(error.message).toContain('downloads are off: TLAB_OFFLINE is set');
  });

  it("searches the weights folder, Transfer Lab's cache, then Keras's cache, for the Keras file or a converted folder", async () => {
    const inKeras = await place(path.join(root, 'home/.keras/models', kerasFile));
    expect(await locateBackbone(imagenet, [150, 150], context(path.join(root, 'w1')))).toEqual({
      backbone: { ...imagenet, weights: inKeras },
      weightsSource: 'imagenet (keras h5)',
    });
    const converted = await place(path.join(root, 'cache/weights/inception_v3_imagenet/model.json'));
    expect((await locateBackbone(imagenet, [150, 150], context(path.join(root, 'w2')))).backbone.weights).toBe(converted);
    const inFolder = await place(path.join(root, 'w3', kerasFile));
    expect(await locateBackbone(imagenet, [150, 150], context(path.join(root, 'w3')))).toEqual({
      backbone: { ...imagenet, weights: inFolder },
      weightsSource: 'imagenet (keras h5)',
    });
    const tfjs = await place(path.join(root, 'w4/inception_v3_imagenet/model.json'));
    expect(await locateBackbone(imagenet, [150, 150], context(path.relative(process.cwd(), path.join(root, 'w4'))))).toEqual({
      backbone: { ...imagenet, weights: tfjs },
      weightsSource: 'imagenet (tfjs)',
    });
  });

  it('resolves a weights path and a model path against the spec folder, and names embedded weights', async () => {
    const spec = context();
    expect(await locateBackbone({ ...imagenet, weights: 'w/my.h5' }, [150, 150], spec)).toEqual({
      backbone: { ...imagenet, weights: path.join(root, 'spec/w/my.h5') },
      weightsSource: 'w/my.h5',
    });
    expect(await locateBackbone({ name: 'inception_v3', path: 'm/model.json', cutoff: 'x' }, [150, 150], spec)).toEqual({
      backbone: { name: 'inception_v3', path: path.join(root, 'spec/m/model.json'), cutoff: 'x' },
      weightsSource: 'm/model.json',
    });
    expect((await locateBackbone({ ...imagenet, weights: 'embedded' }, [150, 150], spec)).weightsSource).toBe('embedded (nsfwjs)');
    expect((await locateBackbone({ name: 'tiny_cnn', weights: 'embedded', cutoff: 'block2' }, [32, 32], spec)).weightsSource).toBe('embedded (seeded)');
  });
});
