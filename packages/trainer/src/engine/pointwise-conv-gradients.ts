import * as tf from '@tensorflow/tfjs';
import { callKernel, wasmKernel, withTemporaries, type KernelArgs } from './wasm-kernel-calls.ts';

/**
 * A 1×1 convolution with stride 1 and no padding is a matrix product over pixels, X[p,c]·W[c,o],
 * and so are both its gradients: dW = Xᵀ·dY and dX = dY·Wᵀ. As matrix products on XNNPACK they take
 * about as long as the forward pass, 2–3× less than the convolution routes the general kernels use
 * (measured on MobileNetV2's and InceptionV3's 1×1 layers). Most of MobileNetV2's convolutions,
 * and many of InceptionV3's, are 1×1.
 */
export function isPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  return (
    filterHeight === 1 &&
    filterWidth === 1 &&
    strideHeight === 1 &&
    strideWidth === 1 &&
    dilationHeight === 1 &&
    dilationWidth === 1 &&
    padInfo.top === 0 &&
    padInfo.bottom === 0 &&
    padInfo.left === 0 &&
    padInfo.right === 0
  );
}

/** dW[0,0,c,o] = Σ_p x[p,c]·dy[p,o], for a pointwise convolution (see isPointwise). */
export function pointwiseFilterGradient(backend: KernelArgs['backend'], x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  return pixelProduct(backend, [x, info.inChannels], [dy, info.outChannels], { transposeA: true, transposeB: false }, [1, 1, info.inChannels, info.outChannels]);
}

/** dx[p,c] = Σ_o dy[p,o]·W[0,0,c,o], for a pointwise convolution (see isPointwise). */
export function pointwiseInputGradient(backend: KernelArgs['backend'], dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  return pixelProduct(backend, [dy, info.outChannels], [filter, info.outChannels], { transposeA: false, transposeB: true }, [info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
}

/** Both operands viewed as [rows, columns] matrices (pixels or input channels as rows), multiplied, the product given `shape`. */
function pixelProduct(
  backend: KernelArgs['backend'],
  [a, aColumns]: [tf.TensorInfo, number],
  [b, bColumns]: [tf.TensorInfo, number],
  transposes: { transposeA: boolean; transposeB: boolean },
  shape: number[],
): tf.TensorInfo {
  const reshape = wasmKernel('Reshape');
  return withTemporaries(backend, (temporary) => {
    const asMatrix = (t: tf.TensorInfo, columns: number) => temporary(reshape, { x: t }, { shape: [1, -1, columns] });
    const product = temporary(wasmKernel('BatchMatMul'), { a: asMatrix(a, aColumns), b: asMatrix(b, bColumns) }, transposes);
    return callKernel(reshape, backend, { x: product }, { shape });
  });
}
