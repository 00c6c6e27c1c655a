import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@tlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { buildHead } from './build-head.ts';
import { applyHead, kerasHeadLayers } from './head-layers.ts';
import type { WasmBackendInternals } from '../wasm/wasm-runtime.ts';
import { loadTrainableWeights, snapshotTrainableWeights, type WeightSnapshot } from './trained-weights.ts';

const head: ResolvedConfig['head'] = { pooling: 'flatten', units: 6, activation: 'relu', dropout: 0.3 };

/** The weights out of the snapshot, copied: `use` hands over views valid only during its call. */
const copied = (snapshot: WeightSnapshot) => snapshot.use((weights) => weights.map((w) => ({ ...w, values: w.values.slice() })));

function kerasHead(featureShape: number[], classCount: number): tf.LayersModel {
  const input = tf.input({ shape: featureShape });
  return tf.model({ inputs: input, outputs: applyHead(input, { head, classCount }, kerasHeadLayers) });
}

describe('checkpoint weights', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it.each([2, 3])('moves a trained head (%i classes) into Keras layers that predict the same', async (classCount) => {
    const featureShape = [3, 2, 4];
    const trained = buildHead({ featureShape, classCount, head, train: { optimizer: 'adam', learning_rate: 0.05 }, seed: 5 });
    const x = tf.randomUniform([8, ...featureShape], 0, 1, 'float32', 1);
    const y = classCount === 2 ? tf.randomUniform([8, 1], 0, 1, 'float32', 2).round() : tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3).cast('float32');
    for (let step = 0; step < 3; step++) await trained.trainOnBatch(x, y);

    const snapshot = snapshotTrainableWeights(trained);
    const weights = copied(snapshot);
    expect(snapshot.use((kept) => kept[0]!.values.buffer)).toBe((tf.backend() as WasmBackendInternals).wasm.asm.memory.buffer);
    snapshot.dispose();
    expect(weights.map((w) => [w.name, w.shape])).toEqual([
      ['dense/kernel', [24, 6]],
      ['dense/bias', [6]],
      ['output/kernel', [6, classCount === 2 ? 1 : 3]],
      ['output/bias', [classCount === 2 ? 1 : 3]],
    ]);
    const keras = kerasHead(featureShape, classCount);
    loadTrainableWeights(keras, weights, 'test checkpoint');
    const [a, b] = [trained.predict(x) as tf.Tensor, keras.predict(x) as tf.Tensor];
    // Only the summation order of the first Dense differs (TransposedDense computes Wᵀ·xᵀ).
    expect(tf.max(tf.abs(a.sub(b))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, y, a, b]);
    trained.dispose();
    keras.dispose();
  });

  it('refuses a checkpoint of another head shape, naming the weight and both shapes, and loads nothing', () => {
    const keras = kerasHead([3, 2, 4], 3);
    const before = keras.getWeights().map((w) => w.dataSync().slice());
    const weights = copied(snapshotTrainableWeights(kerasHead([3, 2, 4], 2)));
    expect(() => loadTrainableWeights(keras, weights, 'run r1 checkpoint')).toThrow(/run r1 checkpoint does not fit the model: output\/kernel is \[6, 1\], the model's is \[6, 3\]/);
    expect(keras.getWeights().map((w) => w.dataSync())).toEqual(before);
    expect(() => loadTrainableWeights(keras, weights.filter((w) => !w.name.startsWith('output/')), 'partial')).toThrow(/output\/kernel is missing/);
  });

  it('keeps the weights of the moment it was taken while training goes on, and frees them on dispose', async () => {
    const featureShape = [3, 2, 4];
    const trained = buildHead({ featureShape, classCount: 2, head, train: { optimizer: 'rmsprop', learning_rate: 0.05 }, seed: 5 });
    const x = tf.randomUniform([8, ...featureShape], 0, 1, 'float32', 1);
    const y = tf.randomUniform([8, 1], 0, 1, 'float32', 2).round();
    await trained.trainOnBatch(x, y);
    const before = tf.memory().numTensors;
    const snapshot = snapshotTrainableWeights(trained);
    const then = copied(snapshot);
    await trained.trainOnBatch(x, y);
    const now = snapshotTrainableWeights(trained);
    expect(copied(snapshot)).toEqual(then);
    expect(copied(now)[0]!.values).not.toEqual(then[0]!.values);
    now.dispose();
    snapshot.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    trained.dispose();
  });
});
