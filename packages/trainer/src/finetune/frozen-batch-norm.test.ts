import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { applyFrozenBatchNorm, FrozenBatchNorm } from './frozen-batch-norm.ts';

/** A model of one BatchNormalization layer with random statistics (positive variances). */
function batchNormModel(options: { scale: boolean; center: boolean; axis: number }): tf.LayersModel {
  const input = tf.input({ shape: [4, 5, 6] });
  const bn = tf.layers.batchNormalization({ ...options, epsilon: 1e-3 });
  const model = tf.model({ inputs: input, outputs: bn.apply(input) as tf.SymbolicTensor });
  bn.setWeights(bn.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5, 2, 'float32', i + 1)));
  return model;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('FrozenBatchNorm', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it.each([
    { scale: true, center: true, axis: -1 },
    { scale: false, center: true, axis: -1 },
    { scale: true, center: false, axis: 2 },
  ])('computes Keras inference-mode BatchNormalization (scale $scale, center $center, axis $axis)', (options) => {
    const reference = batchNormModel(options);
    const bn = reference.layers[1]!;
    const input = tf.input({ shape: [4, 5, 6] });
    const frozen = tf.model({ inputs: input, outputs: applyFrozenBatchNorm(bn, input) });
    const x = tf.randomNormal([2, 4, 5, 6], 0, 3, 'float32', 9);
    const actual = frozen.predict(x) as tf.Tensor;
    const weight = (name: string) => bn.weights.find((w) => w.originalName.endsWith(`/${name}`))?.read();
    const broadcast = options.axis === 2 ? [1, 1, 5, 1] : [1, 1, 1, 6];
    const expected = tf.tidy(() => {
      const normalised = tf.div(tf.sub(x, weight('moving_mean')!.reshape(broadcast)), tf.sqrt(tf.add(weight('moving_variance')!, 1e-3)).reshape(broadcast));
      const scaled = options.scale ? tf.mul(normalised, weight('gamma')!.reshape(broadcast)) : normalised;
      return options.center ? tf.add(scaled, weight('beta')!.reshape(broadcast)) : scaled;
    });
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-5);
    // tfjs's own layer agrees on the channels-last layout the backbones use (on other axes it
    // broadcasts its statistics wrongly, which is why the formula is the reference above).
    if (options.axis === -1) {
      const fromTfjs = reference.predict(x) as tf.Tensor;
      expect(maxAbsDiff(actual, fromTfjs)).toBeLessThan(1e-5);
      fromTfjs.dispose();
    }
    tf.dispose([x, expected, actual]);
    reference.dispose();
    frozen.dispose();
  });

  it('passes gradients to its input but trains nothing itself', () => {
    const layer = new FrozenBatchNorm({ axis: -1 });
    const x = tf.ones([1, 2, 3]);
    const gradient = tf.grad((input) => (layer.apply(input) as tf.Tensor).sum())(x);
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights.map((w) => w.originalName)).toEqual([`${layer.name}/scale`, `${layer.name}/offset`]);
    expect(Array.from(gradient.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    tf.dispose([x, gradient]);
    layer.dispose();
  });

  it('saves and loads with its constants', async () => {
    const input = tf.input({ shape: [3] });
    const layer = new FrozenBatchNorm({ axis: -1, name: 'bn' });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    layer.setWeights([tf.tensor1d([1, 2, 3]), tf.tensor1d([0.5, 0, -0.5])]);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.tensor2d([[1, 1, 1]]);
    const y = loaded.predict(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([1.5, 2, 2.5]);
    tf.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });
});
