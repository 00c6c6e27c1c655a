import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { TransposedDense } from './transposed-dense.ts';

describe('TransposedDense', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  const pair = () => {
    const dense = tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: 'zeros' });
    const transposed = new TransposedDense({ units: 5, kernelSeed: 3 });
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
    const transposed = new TransposedDense({ units, kernelSeed: seed });
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
    expect(() => new TransposedDense({ units: 2, kernelSeed: 1 }).build([null, 3, 4])).toThrow(/\[batch, features\]/);
  });
});
