import * as tf from '@tensorflow/tfjs';

export type Tensor = tf.SymbolicTensor;

/** Keras's `_make_divisible` (from the TF-Slim MobileNet code): round to a multiple of `divisor`, never down by more than 10%. */
export function makeDivisible(value: number, divisor: number): number {
  let rounded = Math.max(divisor, Math.trunc(value + divisor / 2) - (Math.trunc(value + divisor / 2) % divisor));
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

/** Keras's `ReLU(6.)`, the MobileNets' activation. */
export const relu6 = (name: string) => tf.layers.reLU({ name, maxValue: 6 });

/** [height, width] of an NHWC symbolic tensor; the architectures are always built at a fixed size. */
export function spatialSize(x: Tensor): [number, number] {
  const [, height, width] = x.shape;
  if (height == null || width == null) throw new RangeError('architectures are built at a fixed input size');
  return [height, width];
}
