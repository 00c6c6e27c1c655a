import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
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
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!original || !transposeKernel) return;
  const transposeLastTwo = (x: tf.TensorInfo, backend: KernelArgs['backend']): tf.TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    return transposeKernel.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
  };
  const kernelFunc = (args: KernelArgs): KernelOutput => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const temporaries: tf.TensorInfo[] = [];
    const plainA = transposeA ? transposeLastTwo(a, args.backend) : a;
    const plainB = transposeB ? transposeLastTwo(b, args.backend) : b;
    if (transposeA) temporaries.push(plainA);
    if (transposeB) temporaries.push(plainB);
    try {
      return original.kernelFunc({
        ...args,
        inputs: { a: plainA, b: plainB },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temporaries) (args.backend as tf.KernelBackend).disposeData(t.dataId);
    }
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  patched = true;
}
