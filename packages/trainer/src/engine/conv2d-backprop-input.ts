import * as tf from '@tensorflow/tfjs';
import { isPointwise, pointwiseInputGradient } from './pointwise-conv-gradients.ts';
import { callKernel, wasmKernel, withTemporaries, type ConvBackpropAttrs, type KernelArgs } from './wasm-kernel-calls.ts';

interface BackpropInputAttrs extends ConvBackpropAttrs {
  inputShape: [number, number, number, number];
}

let patched = false;

/**
 * tfjs-backend-wasm 4.22's Conv2DBackpropInput is a plain loop, about half of every fine-tuning
 * step. For stride 1 the input gradient is a forward convolution of dy with the filter rotated by
 * 180° and its in/out channels swapped, padded by (kernel − 1 − forward padding) on each side:
 * dx[n,y,x,c] = Σ_{i,j,o} dy[n, y − i + top, x − j + left, o] · W[i,j,c,o]. Running that through
 * wasm's XNNPACK Conv2D makes it SIMD-fast; a 1×1 convolution's is a plain matrix product (see
 * pointwise-conv-gradients.ts). Strided convolutions (dy would need zeros between its
 * pixels, which XNNPACK's convolution does not insert) keep the original kernel. Idempotent.
 */
export function patchWasmConv2DBackpropInput(): void {
  if (patched) return;
  const original = wasmKernel('Conv2DBackpropInput');
  const conv2d = wasmKernel('Conv2D');
  const reverse = wasmKernel('Reverse');
  const transpose = wasmKernel('Transpose');

  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as BackpropInputAttrs;
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    if (dataFormat === 'NHWC' && isPointwise(info)) return pointwiseInputGradient(args.backend, dy, filter, info);
    const top = info.filterHeight - 1 - info.padInfo.top;
    const left = info.filterWidth - 1 - info.padInfo.left;
    // The dual convolution must come out at exactly the input's size.
    const bottom = info.inHeight - info.outHeight + info.filterHeight - 1 - top;
    const right = info.inWidth - info.outWidth + info.filterWidth - 1 - left;
    if (dataFormat !== 'NHWC' || info.strideHeight !== 1 || info.strideWidth !== 1 || Math.min(top, left, bottom, right) < 0) {
      return original.kernelFunc(args) as tf.TensorInfo;
    }
    return withTemporaries(args.backend, (temporary) => {
      const rotated = temporary(reverse, { x: filter }, { dims: [0, 1] });
      const dualFilter = temporary(transpose, { x: rotated }, { perm: [0, 1, 3, 2] });
      return callKernel(conv2d, args.backend, { x: dy, filter: dualFilter }, {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dataFormat: 'NHWC',
      });
    });
  };
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  patched = true;
}
