import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { conv2d, depthwiseConv2d } from './layer-helpers.ts';

/** A convolution and a depthwise convolution made by `make`, applied to a 5×5×2 input. */
function twoConvolutions(make: { conv2d: typeof tf.layers.conv2d; depthwiseConv2d: typeof tf.layers.depthwiseConv2d }): tf.LayersModel {
  const input = tf.input({ name: 'input_1', shape: [5, 5, 2] });
  const x = make.conv2d({ name: 'conv', filters: 3, kernelSize: 3, useBias: false }).apply(input) as tf.SymbolicTensor;
  const output = make.depthwiseConv2d({ name: 'depthwise', kernelSize: 3, useBias: false }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'two_convolutions', inputs: input, outputs: output });
}

describe("the architectures' layer helpers", () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it("serialise as tfjs's own layers (their default initializers included), and build their kernels as zeros", () => {
    const ours = twoConvolutions({ conv2d, depthwiseConv2d });
    const tfjs = twoConvolutions(tf.layers);
    expect(JSON.stringify(ours.toJSON(undefined, false))).toBe(JSON.stringify(tfjs.toJSON(undefined, false)));
    for (const weight of ours.getWeights()) expect(weight.abs().max().dataSync()[0]).toBe(0);
    // tfjs's own draw random kernels: a model built from the topology gets them too.
    expect(tfjs.getWeights()[0]!.abs().max().dataSync()[0]).toBeGreaterThan(0);
    ours.dispose();
    tfjs.dispose();
  });
});
