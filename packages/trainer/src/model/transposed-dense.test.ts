import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { isUpdatedInPlace } from '../optimizers/in-place-variables.ts';
import { makeOptimizer } from '../optimizers/make-optimizer.ts';
import { buildHead } from './build-head.ts';
import { TransposedDense } from './transposed-dense.ts';

describe('TransposedDense', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  const pair = () => {
    const dense = tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: 'zeros' });
    const transposed = new TransposedDense({ units: 5, kernelSeed: 3, gradientToInput: true });
    dense.build([null, 11]);
    transposed.build([null, 11]);
    return { dense, transposed };
  };

  it('starts from exactly the Dense kernel the same initializer draws, transposed', () => {
    const { dense, transposed } = pair();
    const [denseKernel] = dense.getWeights();
    const [transposedKernel] = transposed.getWeights();
    expect(transposedKernel!.shape).toEqual([5, 11]);
    expect(transposedKernel!.transpose().arraySync()).toEqual(denseKernel!.arraySync());
  });

  it("draws a Flatten head's kernel on the wasm heap bit for bit as tfjs's glorotUniform draws it", () => {
    const [inputs, units, seed] = [2352, 300, 1_234_567];
    const transposed = new TransposedDense({ units, kernelSeed: seed, gradientToInput: true });
    transposed.build([null, inputs]);
    const drawn = transposed.getWeights()[0]!.dataSync();
    const expected = tf.tidy(() => tf.initializers.glorotUniform({ seed }).apply([inputs, units]).transpose().dataSync());
    expect(drawn.length).toBe(inputs * units);
    expect(Buffer.from(drawn.buffer, drawn.byteOffset, drawn.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))).toBe(true);
  });

  it('computes Dense\'s outputs and weight gradients', () => {
    const { dense, transposed } = pair();
    tf.tidy(() => {
      const bias = tf.randomUniform([5], -1, 1, 'float32', 4);
      dense.setWeights([dense.getWeights()[0]!, bias]);
      transposed.setWeights([transposed.getWeights()[0]!, bias]);
      const x = tf.randomUniform([3, 11], -1, 1, 'float32', 5);
      const lossOf = (layer: tf.layers.Layer) => () => (layer.apply(x) as tf.Tensor).square().sum() as tf.Scalar;
      const denseGrads = tf.variableGrads(lossOf(dense), dense.trainableWeights.map((w) => w.read() as tf.Variable));
      const transposedGrads = tf.variableGrads(lossOf(transposed), transposed.trainableWeights.map((w) => w.read() as tf.Variable));
      expect(transposedGrads.value.dataSync()[0]).toBeCloseTo(denseGrads.value.dataSync()[0]!, 4);
      const [denseKernelGrad, denseBiasGrad] = dense.trainableWeights.map((w) => denseGrads.grads[(w.read() as tf.Variable).name]!);
      const [kernelGrad, biasGrad] = transposed.trainableWeights.map((w) => transposedGrads.grads[(w.read() as tf.Variable).name]!);
      expect(tf.max(tf.abs(kernelGrad!.transpose().sub(denseKernelGrad!))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(biasGrad!.sub(denseBiasGrad!))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });

  it('refuses inputs that are not [batch, features]', () => {
    expect(() => new TransposedDense({ units: 2, kernelSeed: 1, gradientToInput: true }).build([null, 3, 4])).toThrow(/\[batch, features\]/);
  });
});

describe('TransposedDense on features (no gradient to its input)', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  /**
   * features [11] → (a trainable Dense below, or none) → TransposedDense 5 → Dense 1, trained four
   * steps by the fused RMSprop: the trained weights, whether the kernel kept its memory, and the
   * largest number of bytes on the backend during a step.
   */
  async function trainFour(gradientToInput: boolean, below: boolean) {
    const input = tf.input({ shape: [11] });
    const hidden = new TransposedDense({ units: 5, kernelSeed: 3, gradientToInput });
    const lower = below ? (tf.layers.dense({ units: 11, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(input) as tf.SymbolicTensor) : input;
    const output = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(hidden.apply(lower)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    model.compile({ optimizer: makeOptimizer('rmsprop', 0.05), loss: 'binaryCrossentropy' });
    const initial = model.getWeights().map((w) => Buffer.from(w.dataSync().buffer));
    const memory = hidden.trainableWeights[0]!.read().dataId;
    const [x, y] = [tf.randomUniform([8, 11], -1, 1, 'float32', 1), tf.randomUniform([8, 1], 0, 1, 'float32', 2).round()];
    for (let step = 0; step < 4; step++) await model.trainOnBatch(x, y);
    const weights = model.getWeights().map((w) => Buffer.from(w.dataSync().buffer));
    const keptMemory = hidden.trainableWeights[0]!.read().dataId === memory;
    tf.dispose([x, y]);
    model.dispose();
    return { initial, weights, keptMemory };
  }

  it('trains to the same weights, bit for bit, while its kernel keeps its memory', async () => {
    const [onFeatures, stock] = [await trainFour(false, false), await trainFour(true, false)];
    expect(onFeatures.keptMemory).toBe(true);
    expect(stock.keptMemory).toBe(false);
    expect(onFeatures.weights.every((w, i) => w.equals(stock.weights[i]!))).toBe(true);
    expect(onFeatures.weights[0]!.equals(onFeatures.initial[0]!)).toBe(false);
  });

  it('refuses a gradient that reaches its input under a trainable layer, which gradientToInput is for', async () => {
    await expect(trainFour(false, true)).rejects.toThrow(/a gradient reached the input of a TransposedDense built for features/);
    const stock = await trainFour(true, true);
    // The lower Dense's kernel trains through it.
    expect(stock.weights[0]!.equals(stock.initial[0]!)).toBe(false);
  });

  it('is what buildHead builds on frozen features, and not under a fine-tuned trunk', () => {
    const head = { pooling: 'flatten', units: 6, activation: 'relu', dropout: 0 } as const;
    const train = { optimizer: 'rmsprop', learning_rate: 0.01 } as const;
    const trunk = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3, 2, 4] })] });
    const kernelOf = (model: tf.LayersModel) => model.layers.find((layer) => layer instanceof TransposedDense)!.trainableWeights[0]!.read();
    const [onFeatures, underTrunk] = [buildHead({ featureShape: [3, 2, 4], classCount: 2, head, train, seed: 1 }), buildHead({ featureShape: [3, 2, 4], classCount: 2, head, train, seed: 1, trunk })];
    expect(isUpdatedInPlace(kernelOf(onFeatures))).toBe(true);
    expect(isUpdatedInPlace(kernelOf(underTrunk))).toBe(false);
    onFeatures.dispose();
    underTrunk.dispose();
  });
});
