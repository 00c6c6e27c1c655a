import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmConv2DBackpropFilter } from './conv2d-backprop-filter.ts';
import { selectBackend } from './select-backend.ts';

interface ConvCase {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: [number, number];
  readonly pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
}

const cases: readonly ConvCase[] = [
  { name: '1×1', x: [2, 5, 5, 6], filter: [1, 1, 6, 4], strides: [1, 1], pad: 'valid' },
  { name: '3×3 stride 1 same', x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 'same' },
  { name: '3×3 stride 2 valid (odd size)', x: [3, 9, 9, 4], filter: [3, 3, 4, 2], strides: [2, 2], pad: 'valid' },
  // Even input with stride 2 'valid': the last row and column are never read by the forward pass.
  { name: '3×3 stride 2 valid (even size)', x: [2, 10, 8, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' },
  { name: '3×3 stride 2 same', x: [2, 8, 7, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { name: '1×7 same', x: [2, 6, 9, 5], filter: [1, 7, 5, 3], strides: [1, 1], pad: 'same' },
  { name: '7×1 same', x: [2, 9, 6, 5], filter: [7, 1, 5, 3], strides: [1, 1], pad: 'same' },
  { name: '2×3 strides [1, 2] explicit', x: [2, 6, 9, 2], filter: [2, 3, 2, 3], strides: [1, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
];

/** dL/dfilter for L = Σ conv(x, filter) · dy, on whatever backend is current. */
function filterGradient(c: ConvCase, x: number[], filter: number[], dy: number[]): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const xT = tf.tensor4d(x, c.x);
    const grad = tf.grad((f) => tf.conv2d(xT, f as tf.Tensor4D, c.strides, c.pad));
    const forwardShape = tf.conv2d(xT, tf.tensor4d(filter, c.filter), c.strides, c.pad).shape;
    const g = grad(tf.tensor4d(filter, c.filter), tf.tensor(dy, forwardShape));
    return { values: g.dataSync() as Float32Array, shape: g.shape };
  });
}

function outputSize(c: ConvCase): number {
  return tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).size);
}

function randomValues(size: number, seed: number): number[] {
  return tf.tidy(() => Array.from(tf.randomUniform([size], -1, 1, 'float32', seed).dataSync()));
}

describe('wasm Conv2DBackpropFilter', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
    registerWasmConv2DBackpropFilter();
    registerWasmConv2DBackpropFilter();
  });

  it.each(cases)('matches the cpu kernel within 1e-4: $name', async (c) => {
    const x = randomValues(c.x.reduce((a, b) => a * b), 1);
    const filter = randomValues(c.filter.reduce((a, b) => a * b), 2);
    const dy = randomValues(outputSize(c), 3);
    const onWasm = filterGradient(c, x, filter, dy);
    await tf.setBackend('cpu');
    const onCpu = filterGradient(c, x, filter, dy);
    await tf.setBackend('wasm');
    expect(onWasm.shape).toEqual(c.filter);
    const maxDiff = onWasm.values.reduce((max, v, i) => Math.max(max, Math.abs(v - onCpu.values[i]!)), 0);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('serves the fused conv (bias + relu) that tfjs-layers builds, and frees its temporaries', () => {
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const filter = tf.randomUniform([3, 3, 3, 4], -1, 1, 'float32', 5) as tf.Tensor4D;
    const bias = tf.zeros([4]) as tf.Tensor1D;
    const step = () =>
      tf.tidy(() => tf.grad((f) => tf.fused.conv2d({ x, filter: f as tf.Tensor4D, strides: 2, pad: 'same', bias, activation: 'relu' }).sum())(filter));
    step().dispose();
    const before = tf.memory();
    const gradient = step();
    expect(gradient.shape).toEqual([3, 3, 3, 4]);
    expect(tf.tidy(() => gradient.abs().sum().arraySync())).toBeGreaterThan(0);
    gradient.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([x, filter, bias]);
  });
});
