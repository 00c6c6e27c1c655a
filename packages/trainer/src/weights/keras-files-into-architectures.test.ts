import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { architectureGraph } from '../architectures/architectures.ts';
import { loadBackbone } from '../backbones/load-backbone.ts';
import { userModelSource } from '../backbones/user-model.ts';
import { selectBackend } from '../engine/select-backend.ts';
import { caughtTlabError } from '@tlab/core/testing';
import { sharedPath } from '@tlab/core/testing';
import { fitWeights } from './fit-weights.ts';
import { readKerasWeightFile } from './keras-weight-file.ts';
import { layersFromKerasFile, layersFromTfjsModel } from './layer-weights.ts';
import { writeKerasWeightsH5 } from './write-keras-h5.ts';

const mobilenetFile = sharedPath('fixtures/keras-h5/mobilenet_2_5_224_tf_no_top.h5');
const inceptionJson = sharedPath('weights/inception_v3_imagenet/model.json');

function maxAbsDiff(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0]!);
}

beforeAll(async () => {
  await selectBackend({ requested: 'wasm' });
});

describe.skipIf(mobilenetFile === undefined)('the Keras 2.0.4 MobileNet file (needs ../shared/fixtures)', () => {
  it('pairs every one of its 54 layers with weights with the TypeScript MobileNet at alpha 0.25, none left over (needs ../shared/fixtures)', async () => {
    const file = mobilenetFile!;
    const graph = await architectureGraph('mobilenet', { imageSize: [224, 224], alpha: 0.25 });
    const layers = layersFromKerasFile((await readKerasWeightFile(file)).layers);
    expect(layers).toHaveLength(54);
    expect(graph.weighted).toHaveLength(54);
    expect(fitWeights(graph, layers, file).covered.size).toBe(54);
  });

  it('builds the cut model and gives ReLU6 features at 128×128 (needs ../shared/fixtures)', async () => {
    const backbone = await loadBackbone({ name: 'mobilenet', alpha: 0.25, weights: mobilenetFile!, cutoff: 'conv_pw_13_relu' }, [128, 128]);
    expect(backbone.featureShape).toEqual([4, 4, 256]);
    const x = tf.randomUniform([2, 128, 128, 3], -1, 1, 'float32', 5);
    const values = (backbone.model.predict(x) as tf.Tensor).dataSync();
    expect(values.every((v) => v >= 0 && v <= 6)).toBe(true);
    expect(values.some((v) => v > 0)).toBe(true);
    tf.dispose(x);
    backbone.dispose();
  });

  it('refuses it for another architecture, naming the layer and both shapes (needs ../shared/fixtures)', async () => {
    const error = await caughtTlabError(loadBackbone({ name: 'inception_v3', weights: mobilenetFile!, cutoff: 'mixed0' }, [150, 150]));
    expect(error.code).toBe('TLAB_WEIGHTS_MISMATCH');
    expect(error.message).toContain("layer #1 with weights, 'conv2d_1' (the file's 'conv1'): 'conv2d_1/kernel' has shape [3, 3, 3, 32], the file's 'conv1/conv1/kernel:0' [3, 3, 3, 8]");
  });
});

describe.skipIf(inceptionJson === undefined)('the ImageNet InceptionV3 as a keras.applications h5 (needs ../shared/weights)', () => {
  let dir: string;
  let h5: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tlab-keras-h5-'));
    h5 = path.join(dir, 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5');
    // The shared tfjs model's weights, written in the layout of the Keras download (Keras 2.1 names).
    const layers = layersFromTfjsModel(await userModelSource(inceptionJson!).readModel(), inceptionJson!).map(({ layer, weights }) => ({
      layer,
      weights: weights.map(({ spec, bytes }) => ({
        name: `${spec.name}:0`,
        shape: spec.shape,
        values: new Float32Array(new Uint8Array(bytes).buffer),
      })),
    }));
    await writeKerasWeightsH5(h5, layers, { kerasVersion: '2.1.6' });
  });

  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('gives the features of the shared model.json through the TypeScript InceptionV3, to 1e-5 (needs ../shared/weights)', async () => {
    const fromH5 = await loadBackbone({ name: 'inception_v3', weights: h5, cutoff: 'mixed7' }, [150, 150]);
    const fromJson = await loadBackbone({ name: 'inception_v3', path: inceptionJson!, cutoff: 'mixed7' }, [150, 150]);
    expect(fromH5.featureShape).toEqual([7, 7, 768]);
    const x = tf.randomUniform([2, 150, 150, 3], 0, 1, 'float32', 11);
    expect(maxAbsDiff(fromH5.model, fromJson.model, x)).toBeLessThanOrEqual(1e-5);
    tf.dispose(x);
    fromH5.dispose();
    fromJson.dispose();
  });

  it('refuses a cut past mixed8, where the shared weights stop (needs ../shared/weights)', async () => {
    const error = await caughtTlabError(loadBackbone({ name: 'inception_v3', weights: h5, cutoff: 'mixed9' }, [150, 150]));
    expect(error.code).toBe('TLAB_WEIGHTS_MISMATCH');
    expect(error.message).toContain("it holds weights for 152 of the 188 layers of inception_v3 (up to 'batch_normalization_76'), and the cut needs 'conv2d_81'");
  });
});
