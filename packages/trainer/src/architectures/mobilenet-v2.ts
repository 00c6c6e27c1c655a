import * as tf from '@tensorflow/tfjs';
import { conv2d, depthwiseConv2d, makeDivisible, relu6, spatialSize, type Tensor } from './layer-helpers.ts';

/**
 * Zero padding before a stride-2 3×3 convolution, as Keras's `correct_pad` computes it from the
 * size it pads: one pixel right/bottom on even sides, one on each side on odd ones.
 */
function correctPad(x: Tensor): [[number, number], [number, number]] {
  const [height, width] = spatialSize(x);
  return [
    [height % 2, 1],
    [width % 2, 1],
  ];
}

const bn = (name: string) => tf.layers.batchNormalization({ name, axis: -1, epsilon: 1e-3, momentum: 0.999 });

/** keras.applications' MobileNetV2 without its top, layer names included (`block_13_expand_relu`, `out_relu`). */
export function mobileNetV2(input: Tensor, alpha: number): Tensor {
  const conv = (name: string, filters: number, kernelSize: number, strides = 1, padding: 'same' | 'valid' = 'same') =>
    conv2d({ name, filters, kernelSize, strides, padding, useBias: false });

  const invertedResBlock = (inputs: Tensor, expansion: number, stride: number, filters: number, blockId: number): Tensor => {
    const inChannels = inputs.shape[3]!;
    const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
    let x = inputs;
    let prefix = `block_${blockId}_`;
    if (blockId > 0) {
      x = conv(`${prefix}expand`, expansion * inChannels, 1).apply(x) as Tensor;
      x = bn(`${prefix}expand_BN`).apply(x) as Tensor;
      x = relu6(`${prefix}expand_relu`).apply(x) as Tensor;
    } else {
      prefix = 'expanded_conv_';
    }
    if (stride === 2) x = tf.layers.zeroPadding2d({ name: `${prefix}pad`, padding: correctPad(x) }).apply(x) as Tensor;
    x = depthwiseConv2d({ name: `${prefix}depthwise`, kernelSize: 3, strides: stride, useBias: false, padding: stride === 1 ? 'same' : 'valid' }).apply(x) as Tensor;
    x = bn(`${prefix}depthwise_BN`).apply(x) as Tensor;
    x = relu6(`${prefix}depthwise_relu`).apply(x) as Tensor;
    x = conv(`${prefix}project`, pointwiseFilters, 1).apply(x) as Tensor;
    x = bn(`${prefix}project_BN`).apply(x) as Tensor;
    return inChannels === pointwiseFilters && stride === 1 ? (tf.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as Tensor) : x;
  };

  let x = tf.layers.zeroPadding2d({ name: 'Conv1_pad', padding: correctPad(input) }).apply(input) as Tensor;
  x = conv('Conv1', makeDivisible(32 * alpha, 8), 3, 2, 'valid').apply(x) as Tensor;
  x = bn('bn_Conv1').apply(x) as Tensor;
  x = relu6('Conv1_relu').apply(x) as Tensor;
  // [expansion, stride, filters] per block, as the paper's table 2 and Keras list them.
  const blocks: Array<[number, number, number]> = [
    [1, 1, 16],
    [6, 2, 24], [6, 1, 24],
    [6, 2, 32], [6, 1, 32], [6, 1, 32],
    [6, 2, 64], [6, 1, 64], [6, 1, 64], [6, 1, 64],
    [6, 1, 96], [6, 1, 96], [6, 1, 96],
    [6, 2, 160], [6, 1, 160], [6, 1, 160],
    [6, 1, 320],
  ];
  blocks.forEach(([expansion, stride, filters], blockId) => {
    x = invertedResBlock(x, expansion, stride, filters, blockId);
  });
  // Keras keeps 1280 channels for alpha ≤ 1 and widens only above it.
  const lastFilters = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = conv('Conv_1', lastFilters, 1).apply(x) as Tensor;
  x = bn('Conv_1_bn').apply(x) as Tensor;
  return relu6('out_relu').apply(x) as Tensor;
}
