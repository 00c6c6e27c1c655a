import * as tf from '@tensorflow/tfjs';
import { isPointwise, pointwiseFilterGradient } from './pointwise-conv-gradients.ts';
import { callKernel, wasmKernel, withTemporaries, type ConvBackpropAttrs, type KernelArgs } from './wasm-kernel-calls.ts';

interface BackpropFilterAttrs extends ConvBackpropAttrs {
  filterShape: [number, number, number, number];
}

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so any gradient with respect to a conv
 * kernel throws there, and fine-tuning cannot run. The filter gradient is itself a convolution:
 * dW[i,j,c,o] = Σ_{n,y,x} x[n, y·s + i − pad, x·s + j − pad, c] · dy[n,y,x,o], i.e. x with the batch
 * as channels, convolved with dy as the filter, dilated by the forward stride. Running it through
 * wasm's own (XNNPACK) Conv2D keeps it SIMD-fast; a 1×1 convolution's is a plain matrix product
 * (see pointwise-conv-gradients.ts). Idempotent; a tfjs that ships the kernel wins.
 */
export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv2d = wasmKernel('Conv2D');
  const transpose = wasmKernel('Transpose');
  const slice = wasmKernel('Slice');

  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as BackpropFilterAttrs;
    if (dataFormat !== 'NHWC') throw new Error(`wasm Conv2DBackpropFilter supports NHWC only, got ${dataFormat}`);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    if (isPointwise(info)) return pointwiseFilterGradient(backend, x, dy, info);
    // Rows and columns past the last window the forward pass read never reach dW; they are
    // sliced off rather than given a negative padding, which XNNPACK does not take.
    const reachHeight = (info.outHeight - 1) * info.strideHeight + info.filterHeight - info.padInfo.top;
    const reachWidth = (info.outWidth - 1) * info.strideWidth + info.filterWidth - info.padInfo.left;
    const usedHeight = Math.min(info.inHeight, reachHeight);
    const usedWidth = Math.min(info.inWidth, reachWidth);

    return withTemporaries(backend, (temporary) => {
      const used =
        usedHeight < info.inHeight || usedWidth < info.inWidth
          ? temporary(slice, { x }, { begin: [0, 0, 0, 0], size: [info.batchSize, usedHeight, usedWidth, info.inChannels] })
          : x;
      const channelsAsBatch = temporary(transpose, { x: used }, { perm: [3, 1, 2, 0] });
      const dyAsFilter = temporary(transpose, { x: dy }, { perm: [1, 2, 0, 3] });
      const gradient = temporary(
        conv2d,
        { x: channelsAsBatch, filter: dyAsFilter },
        {
          strides: [1, 1],
          dilations: [info.strideHeight, info.strideWidth],
          pad: [
            [0, 0],
            [info.padInfo.top, reachHeight - usedHeight],
            [info.padInfo.left, reachWidth - usedWidth],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      );
      return callKernel(transpose, backend, { x: gradient }, { perm: [1, 2, 0, 3] });
    });
  };
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc });
}
