import type * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from './onnx-errors.ts';

export interface LayerWeight {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** A weight by its Keras name (`kernel`, `bias`, `gamma`, `moving_mean`, ...), copied out of tfjs. */
export function layerWeight(layer: tf.layers.Layer, name: string): LayerWeight {
  const variable = layer.weights.find((weight) => weight.originalName.split('/').at(-1) === name);
  if (variable === undefined) {
    throw new UnsupportedLayerError(layer.name, layer.getClassName(), `it has no '${name}' weight`);
  }
  // `read()` hands out the variable's own tensor (not to be disposed); the copy keeps the values
  // valid whatever tfjs later does with its memory.
  return { data: new Float32Array(variable.read().dataSync()), shape: variable.shape as number[] };
}

/** Inference-mode BatchNormalization as y = x·scale + shift, per channel. */
export interface ChannelAffine {
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

export interface BatchNormParameters {
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly epsilon: number;
}

/** Keras omits gamma when `scale` is false and beta when `center` is false (InceptionV3 has no gamma). */
export function batchNormParameters(layer: tf.layers.Layer): BatchNormParameters {
  const config = layer.getConfig();
  const mean = layerWeight(layer, 'moving_mean').data;
  const variance = layerWeight(layer, 'moving_variance').data;
  const epsilon = config['epsilon'];
  if (typeof epsilon !== 'number') throw new UnsupportedLayerError(layer.name, layer.getClassName(), 'its epsilon is not a number');
  return {
    gamma: config['scale'] === false ? new Float32Array(mean.length).fill(1) : layerWeight(layer, 'gamma').data,
    beta: config['center'] === false ? new Float32Array(mean.length) : layerWeight(layer, 'beta').data,
    mean,
    variance,
    epsilon,
  };
}

export function batchNormAffine(layer: tf.layers.Layer): ChannelAffine {
  const { gamma, beta, mean, variance, epsilon } = batchNormParameters(layer);
  const scale = gamma.map((g, c) => g / Math.sqrt(variance[c]! + epsilon));
  return { scale, shift: beta.map((b, c) => b - mean[c]! * scale[c]!) };
}

/**
 * Keras kernel [kh, kw, cin, cout] → ONNX [cout, cin, kh, kw], each output channel scaled by
 * `scale` when a BatchNormalization is folded in. A depthwise kernel [kh, kw, channels,
 * multiplier] is the same bytes as [kh, kw, 1, channels·multiplier] with output channel
 * c·multiplier + m, which is ONNX's grouped layout, so it passes through here unchanged.
 */
export function kernelToOihw(kernel: Float32Array, shape: readonly [number, number, number, number], scale?: Float32Array): Float32Array {
  const [kh, kw, cin, cout] = shape;
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        const from = ((y * kw + x) * cin + i) * cout;
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = kernel[from + o]! * (scale?.[o] ?? 1);
        }
      }
    }
  }
  return out;
}
