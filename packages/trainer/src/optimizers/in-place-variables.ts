import type * as tf from '@tensorflow/tfjs';

/**
 * Variables the fused optimizer overwrites where they lie on the wasm heap. It gives any other
 * variable new memory every step: XNNPACK packs a matMul's second operand and caches the packing by
 * tensor id, so a weight updated in place went unseen (a head's predictions were 0.09 off after
 * three steps). TransposedDense's kernel on features is only ever a first operand, and its
 * gradient keeps no copy of it: with both, the wasm heap of the reference sweep's Flatten heads
 * peaked at 656 MB instead of 803 MB (the kernel, RMSprop's mean square, the gradient and the best
 * epoch's copy, each 154 MB; measured with /proc/<pid>/smaps).
 */
const updatedInPlace = new WeakSet<tf.Tensor>();

/** Lets the fused optimizer update `variable` in place: the caller vouches that no matMul packs it. */
export function allowInPlaceUpdates(variable: tf.Tensor): void {
  updatedInPlace.add(variable);
}

export function isUpdatedInPlace(variable: tf.Tensor): boolean {
  return updatedInPlace.has(variable);
}
