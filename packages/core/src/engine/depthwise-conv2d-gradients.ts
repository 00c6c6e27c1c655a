import * as tf from '@tensorflow/tfjs';
import type { ConvBackpropAttrs, KernelArgs } from './wasm-kernel-calls.ts';

type Shape4D = [number, number, number, number];

interface DepthwiseBackpropAttrs extends Omit<ConvBackpropAttrs, 'dataFormat'> {
  dilations: number | [number, number];
}

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

/**
 * tfjs-backend-wasm 4.22 runs depthwise convolutions forward but has neither gradient kernel, so
 * no MobileNetV2 block can be fine-tuned there. Both gradients are plain loops over the wasm heap:
 * a depthwise filter has only kh·kw·channels weights, so even a 56×56×144 block costs a few
 * million multiply-adds per image, far below the pointwise convolutions around it, which XNNPACK
 * runs. Idempotent; a tfjs that ships the kernels wins.
 */
export function registerWasmDepthwiseConv2DGradients(): void {
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')) {
    tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: backpropInput });
  }
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilter });
  }
}

/** dx[b, y·s + i·d − pad, x·s + j·d − pad, c] += dy[b, y, x, c·m + q] · w[i, j, c, q] */
function backpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { inputShape, ...convAttrs } = attrs as unknown as DepthwiseBackpropAttrs & { inputShape: Shape4D };
  const geometry = convGeometry(inputShape, filter.shape as Shape4D, convAttrs);
  const { out, result: dx, sources: [dyValues, weights] } = zeroedOutput(backend, inputShape, [dy, filter]);
  forEachTap(geometry, (inputAt, outputAt, tapAt) => {
    const { inChannels, multiplier } = geometry;
    for (let c = 0; c < inChannels; c++) {
      let sum = 0;
      for (let q = 0; q < multiplier; q++) sum += dyValues[outputAt + c * multiplier + q]! * weights[tapAt + c * multiplier + q]!;
      dx[inputAt + c] = dx[inputAt + c]! + sum;
    }
  });
  return out;
}

/** dw[i, j, c, q] = Σ_{b,y,x} x[b, y·s + i·d − pad, x·s + j·d − pad, c] · dy[b, y, x, c·m + q] */
function backpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { filterShape, ...convAttrs } = attrs as unknown as DepthwiseBackpropAttrs & { filterShape: Shape4D };
  const geometry = convGeometry(x.shape as Shape4D, filterShape, convAttrs);
  const { out, result: dw, sources: [xValues, dyValues] } = zeroedOutput(backend, filterShape, [x, dy]);
  forEachTap(geometry, (inputAt, outputAt, tapAt) => {
    const { inChannels, multiplier } = geometry;
    for (let c = 0; c < inChannels; c++) {
      const input = xValues[inputAt + c]!;
      for (let q = 0; q < multiplier; q++) {
        const k = c * multiplier + q;
        dw[tapAt + k] = dw[tapAt + k]! + input * dyValues[outputAt + k]!;
      }
    }
  });
  return out;
}

/** A zeroed float32 output on the wasm heap, with views of it and of `inputs`. */
function zeroedOutput<const Inputs extends readonly tf.TensorInfo[]>(backend: KernelArgs['backend'], shape: Shape4D, inputs: Inputs) {
  const heap = backend as unknown as WasmHeapBackend;
  const out = heap.makeOutput(shape, 'float32');
  // Allocating can grow the wasm memory and detach earlier views, so every view is taken after it.
  const result = (heap.typedArrayFromHeap(out) as Float32Array).fill(0);
  const sources = inputs.map((input) => heap.typedArrayFromHeap(input)) as { [K in keyof Inputs]: Float32Array };
  return { out, result, sources };
}

interface ConvGeometry {
  readonly info: tf.backend_util.Conv2DInfo;
  readonly inChannels: number;
  readonly multiplier: number;
}

function convGeometry(inputShape: Shape4D, filterShape: Shape4D, attrs: DepthwiseBackpropAttrs): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  return { info, inChannels: filterShape[2], multiplier: filterShape[3] };
}

/**
 * Calls `visit` once per (batch, output pixel, filter tap) whose input pixel lies inside the
 * image, with the flat offsets of that input pixel, that output pixel and that tap; every
 * channel of the three starts there.
 */
function forEachTap({ info, inChannels, multiplier }: ConvGeometry, visit: (inputAt: number, outputAt: number, tapAt: number) => void): void {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const outChannels = inChannels * multiplier;
  for (let b = 0; b < batchSize; b++) {
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        const outputAt = ((b * outHeight + y) * outWidth + x) * outChannels;
        for (let i = 0; i < filterHeight; i++) {
          const row = y * strideHeight + i * dilationHeight - padInfo.top;
          if (row < 0 || row >= inHeight) continue;
          for (let j = 0; j < filterWidth; j++) {
            const col = x * strideWidth + j * dilationWidth - padInfo.left;
            if (col < 0 || col >= inWidth) continue;
            visit(((b * inHeight + row) * inWidth + col) * inChannels, outputAt, (i * filterWidth + j) * outChannels);
          }
        }
      }
    }
  }
}
