import * as tf from '@tensorflow/tfjs';
import { load as loadNsfwjs } from 'nsfwjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import type { Backbone, BackboneConfig } from './backbone.ts';
import { ImageTooSmallError, UnknownLayerError } from './backbone-errors.ts';
import { embeddedModelSource, type EmbeddedModelName } from './embedded-models.ts';
import { parseTopology } from './keras-topology.ts';
import { backboneLayerNames, backboneWeightsHash, loadBackbone, validateBackboneConfig } from './load-backbone.ts';

/** Layer names of nsfwjs's own topology (Keras 2.2.4 wrote them in `model.layers` order), input included. */
async function nsfwjsLayerNames(name: EmbeddedModelName): Promise<string[]> {
  const source = embeddedModelSource(name);
  return parseTopology(await source.readTopology(), source.file).layers.map((layer) => layer.name);
}

const inception = (cutoff: string, trainable_from?: string): BackboneConfig => ({ name: 'inception_v3', weights: 'embedded', cutoff, trainable_from });
const mobilenet = (cutoff: string): BackboneConfig => ({ name: 'mobilenet_v2', weights: 'embedded', alpha: 1, cutoff });

/**
 * Pinned: the embedded bytes are fixed by nsfwjs@4.4.0, so these change only if the package does
 * (the hash is of nsfwjs's model as stored, not of the TypeScript architecture it loads into).
 */
const pinnedHashes = {
  inception_v3: '5f35377aaf99b6283d3ec3564afd111123493a4956eae9c36bf1d6854eccd1fe',
  mobilenet_v2: '61ae3243f2946c9709de2aebdfecc1046daa79fe62ab3ab0f5d2a1bc044d8bc8',
};

/** The largest absolute difference between two models' outputs on the same input. */
function maxAbsDiff(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0]!);
}

/**
 * Cuts nsfwjs's own, fully loaded model at `layer`: the reference that the TypeScript architecture,
 * given nsfwjs's weights by position, must match.
 */
function referenceCut(full: tf.LayersModel, layer: string): tf.LayersModel {
  return tf.model({ inputs: full.inputs, outputs: full.getLayer(layer).output as tf.SymbolicTensor });
}

describe('embedded InceptionV3', () => {
  let mixed7At150: Backbone;

  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
    mixed7At150 = await loadBackbone(inception('mixed7'), [150, 150]);
  });

  afterAll(() => mixed7At150.dispose());

  it('cut at mixed7 at 150×150 outputs [7, 7, 768], frozen, with nothing past the cutoff built', () => {
    expect(mixed7At150.name).toBe('inception_v3');
    expect(mixed7At150.featureShape).toEqual([7, 7, 768]);
    expect(mixed7At150.model.inputs[0]!.shape).toEqual([null, 150, 150, 3]);
    expect(mixed7At150.model.layers.every((layer) => !layer.trainable)).toBe(true);
    expect(mixed7At150.model.trainableWeights).toHaveLength(0);
    const names = new Set(mixed7At150.model.layers.map((layer) => layer.name));
    expect(names.has('mixed7')).toBe(true);
    expect(names.has('mixed8')).toBe(false);
    expect(names.has('dense_1')).toBe(false);
    // 280 of the source model's 382 weight tensors feed mixed7.
    expect(mixed7At150.model.weights).toHaveLength(280);
  });

  it('gives finite, non-negative features (mixed7 concatenates ReLU outputs)', async () => {
    const x = tf.randomUniform([1, 150, 150, 3], 0, 1, 'float32', 1);
    const features = mixed7At150.model.predict(x) as tf.Tensor;
    const values = await features.data();
    expect(values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(values.some((v) => v > 0)).toBe(true);
    tf.dispose([x, features]);
  });

  it('cut at mixed7 at 75×75 outputs [3, 3, 768]; too small an image names the layer that collapses', async () => {
    const small = await loadBackbone(inception('mixed7'), [75, 75]);
    expect(small.featureShape).toEqual([3, 3, 768]);
    small.dispose();
    const error = await loadBackbone(inception('mixed7'), [40, 40]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooSmallError);
    expect((error as ImageTooSmallError).code).toBe('TLAB_IMAGE_TOO_SMALL');
    expect((error as Error).message).toMatch(/40×40 .* inception_v3 cut at 'mixed7' \(layer '\w+' would output/);
  });

  it("at 299×299 the TypeScript InceptionV3 with the embedded weights equals nsfwjs's own model at mixed7 and mixed10", async () => {
    const nsfwjs = await loadNsfwjs('InceptionV3', { size: 299 });
    const full = (nsfwjs as unknown as { model: tf.LayersModel }).model;
    const x = tf.randomUniform([1, 299, 299, 3], 0, 1, 'float32', 2);
    for (const [cutoff, shape] of [['mixed7', [17, 17, 768]], ['mixed10', [8, 8, 2048]]] as const) {
      const ours = await loadBackbone(inception(cutoff), [299, 299]);
      expect(ours.featureShape).toEqual(shape);
      expect(maxAbsDiff(referenceCut(full, cutoff), ours.model, x), cutoff).toBeLessThanOrEqual(1e-5);
      ours.dispose();
    }
    tf.dispose(x);
    full.dispose();
  });

  it('unfreezes trainable_from onwards in model order, and rejects one past the cutoff', async () => {
    const names = await backboneLayerNames(inception('mixed7'));
    const expected = names.slice(names.indexOf('mixed6'), names.indexOf('mixed7') + 1);
    const tuned = await loadBackbone(inception('mixed7', 'mixed6'), [75, 75]);
    const trainable = tuned.model.layers.filter((layer) => layer.trainable).map((layer) => layer.name);
    expect(new Set(trainable)).toEqual(new Set(expected));
    expect(trainable).toContain('conv2d_61');
    expect(trainable).not.toContain('conv2d_56');
    expect(tuned.model.trainableWeights.length).toBeGreaterThan(0);
    tuned.dispose();
    await expect(validateBackboneConfig(inception('mixed7', 'mixed8'))).rejects.toMatchObject({ code: 'TLAB_BAD_TRAINABLE_FROM' });
  });

  it('answers an unknown cutoff with a suggestion, the block outputs and the count of other layers', async () => {
    const error = await validateBackboneConfig(inception('mixed_7')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownLayerError);
    expect((error as UnknownLayerError).code).toBe('TLAB_UNKNOWN_LAYER');
    expect((error as Error).message).toBe(
      "backbone.cutoff: backbone inception_v3 has no layer 'mixed_7'. Did you mean 'mixed7'? " +
        'Useful cutoffs: mixed0, mixed1, mixed2, mixed3, mixed4, mixed5, mixed6, mixed7, mixed8, mixed9, mixed10; ' +
        'any of its 299 other layers also works (backboneLayerNames lists them).',
    );
  });

  it('lists the 310 layers of Keras InceptionV3 without its top, in the order of the nsfwjs (Keras 2.2.4) topology, none rescaling the input', async () => {
    const names = await backboneLayerNames(inception('mixed7'));
    expect(names).toHaveLength(310);
    const kerasOrder = (await nsfwjsLayerNames('inception_v3')).slice(1, 311);
    expect(names).toEqual(kerasOrder);
    expect(names.filter((name) => /^mixed\d+$/.test(name))).toEqual(Array.from({ length: 11 }, (_, i) => `mixed${i}`));
    await expect(validateBackboneConfig(inception('mixed10'))).resolves.toEqual({ rescalingLayers: [] });
  });

  it('has a stable weightsHash that the dry run computes without building', async () => {
    expect(mixed7At150.weightsHash).toBe(pinnedHashes.inception_v3);
    expect(await backboneWeightsHash(inception('mixed3'))).toBe(pinnedHashes.inception_v3);
  });
});

describe('embedded MobileNetV2', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it('cuts at its feature points with Keras shapes at 224×224', async () => {
    const expected: Record<string, number[]> = {
      block_1_expand_relu: [112, 112, 96],
      block_3_expand_relu: [56, 56, 144],
      block_6_expand_relu: [28, 28, 192],
      block_13_expand_relu: [14, 14, 576],
      block_16_project: [7, 7, 320],
      out_relu: [7, 7, 1280],
    };
    for (const [cutoff, shape] of Object.entries(expected)) {
      const backbone = await loadBackbone(mobilenet(cutoff), [224, 224]);
      expect(backbone.featureShape, cutoff).toEqual(shape);
      expect(backbone.model.trainableWeights).toHaveLength(0);
      backbone.dispose();
    }
  });

  it("matches nsfwjs's own model at out_relu, and rebuilds at 96×96", async () => {
    const nsfwjs = await loadNsfwjs('MobileNetV2');
    const full = (nsfwjs as unknown as { model: tf.LayersModel }).model;
    const pruned = await loadBackbone(mobilenet('out_relu'), [224, 224]);
    const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 3);
    expect(maxAbsDiff(referenceCut(full, 'out_relu'), pruned.model, x)).toBeLessThan(1e-5);
    tf.dispose(x);
    pruned.dispose();
    full.dispose();
    const small = await loadBackbone(mobilenet('block_13_expand_relu'), [96, 96]);
    expect(small.featureShape).toEqual([6, 6, 576]);
    small.dispose();
  });

  it('suggests its feature points for an unknown cutoff, has no rescaling layer, and a stable hash', async () => {
    await expect(validateBackboneConfig(mobilenet('block_13_expand_rel'))).rejects.toThrow(
      "Did you mean 'block_13_expand_relu'? Useful cutoffs: block_1_expand_relu, block_3_expand_relu, block_6_expand_relu, " +
        'block_13_expand_relu, block_16_project, out_relu; any of its 148 other layers also works',
    );
    await expect(validateBackboneConfig(mobilenet('out_relu'))).resolves.toEqual({ rescalingLayers: [] });
    expect(await backboneLayerNames(mobilenet('out_relu'))).toEqual((await nsfwjsLayerNames('mobilenet_v2')).slice(1, 155));
    expect(await backboneWeightsHash(mobilenet('out_relu'))).toBe(pinnedHashes.mobilenet_v2);
  });
});
