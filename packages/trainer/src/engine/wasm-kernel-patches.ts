import * as tf from '@tensorflow/tfjs';
import { callKernel, wasmKernel, withTemporaries, type KernelArgs } from './wasm-kernel-calls.ts';

type KernelOutput = ReturnType<tf.KernelFunc>;
let patched = false;

/**
 * tfjs-backend-wasm 4.22 multiplies with transposed operands ~7× slower than it transposes first
 * and multiplies plainly, and Dense backprop uses exactly those transposed forms (a Flatten head
 * epoch on 2000 samples: ~370 s stock, ~54 s patched). The kernel is swapped for one that
 * materialises the transpose; the numbers are the same products summed in the same order.
 */
export function patchWasmKernels(): void {
  if (patched) return;
  const original = wasmKernel('BatchMatMul');
  const transpose = wasmKernel('Transpose');
  const kernelFunc = (args: KernelArgs): KernelOutput => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    return withTemporaries(args.backend, (temporary) => {
      const transposeLastTwo = (x: tf.TensorInfo) => {
        const rank = x.shape.length;
        return temporary(transpose, { x }, { perm: [...Array(rank - 2).keys(), rank - 1, rank - 2] });
      };
      return callKernel(original, args.backend, { a: transposeA ? transposeLastTwo(a) : a, b: transposeB ? transposeLastTwo(b) : b }, {
        ...args.attrs,
        transposeA: false,
        transposeB: false,
      });
    });
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  patched = true;
}
