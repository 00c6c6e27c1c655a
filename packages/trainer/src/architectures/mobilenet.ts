import * as tf from '@tensorflow/tfjs';
import { conv2d, depthwiseConv2d, relu6, type Tensor } from './layer-helpers.ts';

const bn = (name: string) => tf.layers.batchNormalization({ name, axis: -1 });

/**
 * keras.applications' MobileNet (v1) without its top, at width multiplier `alpha`: conv1, then 13
 * depthwise-separable blocks `conv_dw_N` / `conv_pw_N`, each convolution followed by
 * BatchNormalization and ReLU6. Strided blocks pad right/bottom by one and convolve 'valid', as
 * Keras 2.2+ builds it.
 */
export function mobileNet(input: Tensor, alpha: number): Tensor {
  let x = tf.layers.zeroPadding2d({ name: 'conv1_pad', padding: [[0, 1], [0, 1]] }).apply(input) as Tensor;
  x = conv2d({ name: 'conv1', filters: Math.trunc(32 * alpha), kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(x) as Tensor;
  x = bn('conv1_bn').apply(x) as Tensor;
  x = relu6('conv1_relu').apply(x) as Tensor;
  // [pointwise filters, stride] of blocks 1…13.
  const blocks: Array<[number, number]> = [
    [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
  ];
  blocks.forEach(([filters, stride], index) => {
    const id = index + 1;
    if (stride === 2) x = tf.layers.zeroPadding2d({ name: `conv_pad_${id}`, padding: [[0, 1], [0, 1]] }).apply(x) as Tensor;
    x = depthwiseConv2d({ name: `conv_dw_${id}`, kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false }).apply(x) as Tensor;
    x = bn(`conv_dw_${id}_bn`).apply(x) as Tensor;
    x = relu6(`conv_dw_${id}_relu`).apply(x) as Tensor;
    x = conv2d({ name: `conv_pw_${id}`, filters: Math.trunc(filters * alpha), kernelSize: 1, padding: 'same', useBias: false }).apply(x) as Tensor;
    x = bn(`conv_pw_${id}_bn`).apply(x) as Tensor;
    x = relu6(`conv_pw_${id}_relu`).apply(x) as Tensor;
  });
  return x;
}
