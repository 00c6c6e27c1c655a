import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmConv2DBackpropFilter } from './conv2d-backprop-filter.ts';
import { patchWasmConv2DBackpropInput } from './conv2d-backprop-input.ts';
import { registerWasmDepthwiseConv2DGradients } from './depthwise-conv2d-gradients.ts';
import { selectBackend } from './select-backend.ts';

interface ConvCase {
  readonly name: string;
  /** The filter's last dimension is the output channels for conv2d, the channel multiplier for depthwise. */
  readonly op: 'conv2d' | 'depthwise';
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: [number, number];
  readonly pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
}

const cases: readonly ConvCase[] = [
  // 1×1 stride 1 unpadded: both gradients are matrix products (pointwise-conv-gradients.ts).
  { op: 'conv2d', name: '1×1', x: [2, 5, 5, 6], filter: [1, 1, 6, 4], strides: [1, 1], pad: 'valid' },
  { op: 'conv2d', name: '1×1 same, more channels', x: [3, 7, 6, 19], filter: [1, 1, 19, 33], strides: [1, 1], pad: 'same' },
  // 1×1 but strided or padded: the general routes.
  { op: 'conv2d', name: '1×1 stride 2', x: [2, 7, 7, 5], filter: [1, 1, 5, 3], strides: [2, 2], pad: 'valid' },
  { op: 'conv2d', name: '1×1 explicit padding', x: [2, 4, 5, 3], filter: [1, 1, 3, 2], strides: [1, 1], pad: [[0, 0], [1, 0], [0, 1], [0, 0]] },
  { op: 'conv2d', name: '3×3 stride 1 same', x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 'same' },
  { op: 'conv2d', name: '3×3 stride 2 valid (odd size)', x: [3, 9, 9, 4], filter: [3, 3, 4, 2], strides: [2, 2], pad: 'valid' },
  // Even input with stride 2 'valid': the last row and column are never read by the forward pass.
  { op: 'conv2d', name: '3×3 stride 2 valid (even size)', x: [2, 10, 8, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' },
  { op: 'conv2d', name: '3×3 stride 2 same', x: [2, 8, 7, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { op: 'conv2d', name: '1×7 same', x: [2, 6, 9, 5], filter: [1, 7, 5, 3], strides: [1, 1], pad: 'same' },
  { op: 'conv2d', name: '7×1 same', x: [2, 9, 6, 5], filter: [7, 1, 5, 3], strides: [1, 1], pad: 'same' },
  { op: 'conv2d', name: '2×3 strides [1, 2] explicit', x: [2, 6, 9, 2], filter: [2, 3, 2, 3], strides: [1, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  // MobileNetV2's blocks: 3×3, multiplier 1, stride 1 or 2 with explicit (ZeroPadding2D) 'valid'.
  { op: 'depthwise', name: '3×3 stride 1 same', x: [2, 7, 6, 5], filter: [3, 3, 5, 1], strides: [1, 1], pad: 'same' },
  { op: 'depthwise', name: '3×3 stride 2 valid (even size)', x: [2, 10, 8, 3], filter: [3, 3, 3, 1], strides: [2, 2], pad: 'valid' },
  { op: 'depthwise', name: '3×3 stride 2 same', x: [3, 9, 7, 4], filter: [3, 3, 4, 1], strides: [2, 2], pad: 'same' },
  { op: 'depthwise', name: '2×3 multiplier 3, strides [1, 2] explicit', x: [2, 6, 9, 2], filter: [2, 3, 2, 3], strides: [1, 2], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
];

function convolve(c: ConvCase, x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  return c.op === 'conv2d' ? tf.conv2d(x, filter, c.strides, c.pad) : tf.depthwiseConv2d(x, filter, c.strides, c.pad);
}

/** dL/dfilter or dL/dx for L = Σ conv(x, filter) · dy, on whatever backend is current. */
function gradient(of: 'filter' | 'x', c: ConvCase, x: number[], filter: number[], dy: number[]): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const xT = tf.tensor4d(x, c.x);
    const filterT = tf.tensor4d(filter, c.filter);
    const forwardShape = convolve(c, xT, filterT).shape;
    const g =
      of === 'filter'
        ? tf.grad((f) => convolve(c, xT, f as tf.Tensor4D))(filterT, tf.tensor(dy, forwardShape))
        : tf.grad((input) => convolve(c, input as tf.Tensor4D, filterT))(xT, tf.tensor(dy, forwardShape));
    return { values: g.dataSync() as Float32Array, shape: g.shape };
  });
}

function outputSize(c: ConvCase): number {
  return tf.tidy(() => convolve(c, tf.zeros(c.x), tf.zeros(c.filter)).size);
}

function randomValues(size: number, seed: number): number[] {
  return tf.tidy(() => Array.from(tf.randomUniform([size], -1, 1, 'float32', seed).dataSync()));
}

describe('wasm convolution gradients', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
    // All are idempotent: a second call must not wrap or register a kernel twice.
    for (let round = 0; round < 2; round++) {
      registerWasmConv2DBackpropFilter();
      patchWasmConv2DBackpropInput();
      registerWasmDepthwiseConv2DGradients();
    }
  });

  // Stride-1 conv2d cases take the dual-convolution route for the input gradient; strided ones keep wasm's own kernel.
  it.each(cases.flatMap((c) => (['filter', 'x'] as const).map((of) => ({ ...c, of }))))('$op d$of matches the cpu kernel within 1e-4: $name', async (c) => {
    const x = randomValues(c.x.reduce((a, b) => a * b), 1);
    const filter = randomValues(c.filter.reduce((a, b) => a * b), 2);
    const dy = randomValues(outputSize(c), 3);
    const onWasm = gradient(c.of, c, x, filter, dy);
    await tf.setBackend('cpu');
    const onCpu = gradient(c.of, c, x, filter, dy);
    await tf.setBackend('wasm');
    expect(onWasm.shape).toEqual(c.of === 'filter' ? c.filter : c.x);
    const maxDiff = onWasm.values.reduce((max, v, i) => Math.max(max, Math.abs(v - onCpu.values[i]!)), 0);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it.each([
    [3, 1],
    [3, 2],
    [1, 1],
  ])('serves the fused conv (bias + relu) that tfjs-layers builds, and frees its temporaries (filter size %i, stride %i)', (size, strides) => {
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const filter = tf.randomUniform([size, size, 3, 4], -1, 1, 'float32', 5) as tf.Tensor4D;
    const bias = tf.zeros([4]) as tf.Tensor1D;
    const step = () =>
      tf.tidy(() => tf.grads((input, f) => tf.fused.conv2d({ x: input as tf.Tensor4D, filter: f as tf.Tensor4D, strides, pad: 'same', bias, activation: 'relu' }).sum())([x, filter]));
    tf.dispose(step());
    const before = tf.memory();
    const [dx, dFilter] = step();
    expect(dx!.shape).toEqual([2, 8, 8, 3]);
    expect(dFilter!.shape).toEqual([size, size, 3, 4]);
    expect(tf.tidy(() => dx!.abs().sum().arraySync())).toBeGreaterThan(0);
    expect(tf.tidy(() => dFilter!.abs().sum().arraySync())).toBeGreaterThan(0);
    tf.dispose([dx!, dFilter!]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([x, filter, bias]);
  });
});
