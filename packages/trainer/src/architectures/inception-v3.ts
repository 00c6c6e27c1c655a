import * as tf from '@tensorflow/tfjs';
import { kerasLayerNamer } from './keras-layer-names.ts';
import { conv2d } from './layer-helpers.ts';

type Tensor = tf.SymbolicTensor;

/**
 * keras.applications' InceptionV3 without its top (`include_top=False`), layer for layer and name
 * for name: every convolution is conv2d_bn (Conv2D without bias → BatchNormalization with
 * scale=False → ReLU), the block outputs are `mixed0` … `mixed10`.
 */
export function inceptionV3(input: Tensor): Tensor {
  const name = kerasLayerNamer();
  const conv2dBn = (x: Tensor, filters: number, rows: number, cols: number, options: { strides?: number; padding?: 'same' | 'valid' } = {}): Tensor => {
    const strides = options.strides ?? 1;
    const conv = conv2d({ name: name('conv2d'), filters, kernelSize: [rows, cols], strides, padding: options.padding ?? 'same', useBias: false });
    const bn = tf.layers.batchNormalization({ name: name('batch_normalization'), axis: 3, scale: false });
    const relu = tf.layers.activation({ name: name('activation'), activation: 'relu' });
    return relu.apply(bn.apply(conv.apply(x))) as Tensor;
  };
  const maxPool = (x: Tensor) => tf.layers.maxPooling2d({ name: name('max_pooling2d'), poolSize: 3, strides: 2 }).apply(x) as Tensor;
  const avgPool = (x: Tensor) =>
    tf.layers.averagePooling2d({ name: name('average_pooling2d'), poolSize: 3, strides: 1, padding: 'same' }).apply(x) as Tensor;
  const concat = (inputs: Tensor[], layerName = name('concatenate')) => tf.layers.concatenate({ name: layerName, axis: 3 }).apply(inputs) as Tensor;

  let x = conv2dBn(input, 32, 3, 3, { strides: 2, padding: 'valid' });
  x = conv2dBn(x, 32, 3, 3, { padding: 'valid' });
  x = conv2dBn(x, 64, 3, 3);
  x = maxPool(x);
  x = conv2dBn(x, 80, 1, 1, { padding: 'valid' });
  x = conv2dBn(x, 192, 3, 3, { padding: 'valid' });
  x = maxPool(x);

  // mixed0, mixed1, mixed2: 35×35 at 299.
  for (const [index, poolFilters] of [32, 64, 64].entries()) {
    const branch1x1 = conv2dBn(x, 64, 1, 1);
    const branch5x5 = conv2dBn(conv2dBn(x, 48, 1, 1), 64, 5, 5);
    const branch3x3dbl = conv2dBn(conv2dBn(conv2dBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
    const branchPool = conv2dBn(avgPool(x), poolFilters, 1, 1);
    x = concat([branch1x1, branch5x5, branch3x3dbl, branchPool], `mixed${index}`);
  }

  // mixed3: down to 17×17.
  {
    const branch3x3 = conv2dBn(x, 384, 3, 3, { strides: 2, padding: 'valid' });
    const branch3x3dbl = conv2dBn(conv2dBn(conv2dBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, { strides: 2, padding: 'valid' });
    x = concat([branch3x3, branch3x3dbl, maxPool(x)], 'mixed3');
  }

  // mixed4 … mixed7: factorised 7×7 convolutions, 128, 160, 160, 192 channels inside.
  for (const [offset, inner] of [128, 160, 160, 192].entries()) {
    const branch1x1 = conv2dBn(x, 192, 1, 1);
    const branch7x7 = conv2dBn(conv2dBn(conv2dBn(x, inner, 1, 1), inner, 1, 7), 192, 7, 1);
    let branch7x7dbl = conv2dBn(x, inner, 1, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, inner, 7, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, inner, 1, 7);
    branch7x7dbl = conv2dBn(branch7x7dbl, inner, 7, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, 192, 1, 7);
    const branchPool = conv2dBn(avgPool(x), 192, 1, 1);
    x = concat([branch1x1, branch7x7, branch7x7dbl, branchPool], `mixed${4 + offset}`);
  }

  // mixed8: down to 8×8.
  {
    const branch3x3 = conv2dBn(conv2dBn(x, 192, 1, 1), 320, 3, 3, { strides: 2, padding: 'valid' });
    let branch7x7x3 = conv2dBn(x, 192, 1, 1);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 1, 7);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 7, 1);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 3, 3, { strides: 2, padding: 'valid' });
    x = concat([branch3x3, branch7x7x3, maxPool(x)], 'mixed8');
  }

  // mixed9, mixed10: 8×8×2048.
  for (const index of [0, 1]) {
    const branch1x1 = conv2dBn(x, 320, 1, 1);
    const branch3x3In = conv2dBn(x, 384, 1, 1);
    const branch3x3 = concat([conv2dBn(branch3x3In, 384, 1, 3), conv2dBn(branch3x3In, 384, 3, 1)], `mixed9_${index}`);
    const branch3x3dblIn = conv2dBn(conv2dBn(x, 448, 1, 1), 384, 3, 3);
    const branch3x3dbl = concat([conv2dBn(branch3x3dblIn, 384, 1, 3), conv2dBn(branch3x3dblIn, 384, 3, 1)]);
    const branchPool = conv2dBn(avgPool(x), 192, 1, 1);
    x = concat([branch1x1, branch3x3, branch3x3dbl, branchPool], `mixed${9 + index}`);
  }
  return x;
}
