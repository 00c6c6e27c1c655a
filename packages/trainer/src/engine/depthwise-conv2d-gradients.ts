import * as tf from '@tensorflow/tfjs';
import { add, elementwiseProgram, ElementwiseKernels, mul } from '../wasm/elementwise-program.ts';
import type { WasmBackendInternals, WasmMemory } from '../wasm/wasm-runtime.ts';
import type { ConvBackpropAttrs, KernelArgs } from './wasm-kernel-calls.ts';

type Shape4D = [number, number, number, number];

interface DepthwiseBackpropAttrs extends Omit<ConvBackpropAttrs, 'dataFormat'> {
  dilations: number | [number, number];
}

/** sum[i] += a[i]·b[i] over a run of channels, in SIMD on the wasm heap. */
const multiplyAccumulate = elementwiseProgram('multiply_accumulate', ['sum', 'a', 'b'], [], (x) => ({ sum: add(x.sum, mul(x.a, x.b)) }));
const compiled = new WeakMap<WasmMemory, ElementwiseKernels>();

/**
 * tfjs-backend-wasm 4.22 runs depthwise convolutions forward but has neither gradient kernel, so
 * no MobileNetV2 block can be fine-tuned there. Both gradients are sums over filter taps of
 * channel-wise products: with one filter per channel (MobileNetV2's), each tap is one
 * multiply-accumulate over a contiguous run of channels, done in SIMD on the wasm heap (4–5× a JS
 * loop here); other channel multipliers take a JS loop. Idempotent; a tfjs that ships the kernels wins.
 */
export function registerWasmDepthwiseConv2DGradients(): void {
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')) {
    tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: backpropInput });
  }
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilter });
  }
}

/** dx[b, y·s + i·d − pad, x·s + j·d − pad, c] += Σ_q dy[b, y, x, c·m + q] · w[i, j, c, q] */
function backpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { inputShape, ...convAttrs } = attrs as unknown as DepthwiseBackpropAttrs & { inputShape: Shape4D };
  const { taps, inChannels, multiplier } = convGeometry(inputShape, filter.shape as Shape4D, convAttrs);
  const out = zeroedOutput(backend, inputShape);
  if (multiplier === 1) return accumulateOverTaps(backend, taps, inChannels, [out, offsetOf.input], [dy, offsetOf.output], [filter, offsetOf.tap]);
  const [dx, dyValues, weights] = heapViews(backend, [out, dy, filter]);
  for (let t = 0; t < taps.length; t += 3) {
    const [inputAt, outputAt, tapAt] = [taps[t]!, taps[t + 1]!, taps[t + 2]!];
    for (let c = 0; c < inChannels; c++) {
      let sum = 0;
      for (let k = c * multiplier; k < (c + 1) * multiplier; k++) sum += dyValues[outputAt + k]! * weights[tapAt + k]!;
      dx[inputAt + c] = dx[inputAt + c]! + sum;
    }
  }
  return out;
}

/** dw[i, j, c, q] = Σ_{b,y,x} x[b, y·s + i·d − pad, x·s + j·d − pad, c] · dy[b, y, x, c·m + q] */
function backpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { filterShape, ...convAttrs } = attrs as unknown as DepthwiseBackpropAttrs & { filterShape: Shape4D };
  const { taps, inChannels, multiplier } = convGeometry(x.shape as Shape4D, filterShape, convAttrs);
  const out = zeroedOutput(backend, filterShape);
  if (multiplier === 1) return accumulateOverTaps(backend, taps, inChannels, [out, offsetOf.tap], [x, offsetOf.input], [dy, offsetOf.output]);
  const [dw, xValues, dyValues] = heapViews(backend, [out, x, dy]);
  for (let t = 0; t < taps.length; t += 3) {
    const [inputAt, outputAt, tapAt] = [taps[t]!, taps[t + 1]!, taps[t + 2]!];
    for (let c = 0; c < inChannels; c++) {
      const input = xValues[inputAt + c]!;
      for (let k = c * multiplier; k < (c + 1) * multiplier; k++) dw[tapAt + k] = dw[tapAt + k]! + input * dyValues[outputAt + k]!;
    }
  }
  return out;
}

/** Which of a tap's three offsets (see ConvGeometry.taps) locates an array's run of channels. */
const offsetOf = { input: 0, output: 1, tap: 2 } as const;

/**
 * For every tap: sum[run] += a[run] · b[run], each array's run of `channels` starting at that
 * tap's offset for it. `sum` is updated in place: the elementwise pass reads each element before
 * writing it back to the same address.
 */
function accumulateOverTaps(
  backend: KernelArgs['backend'],
  taps: Int32Array,
  channels: number,
  [sum, sumOffset]: [tf.TensorInfo, number],
  [a, aOffset]: [tf.TensorInfo, number],
  [b, bOffset]: [tf.TensorInfo, number],
): tf.TensorInfo {
  const heap = backend as WasmBackendInternals;
  const memory = heap.wasm.asm.memory;
  const kernels = compiled.get(memory) ?? new ElementwiseKernels([multiplyAccumulate], memory);
  compiled.set(memory, kernels);
  const [sumBase, aBase, bBase] = [sum, a, b].map((t) => heap.getMemoryOffset(t.dataId)) as [number, number, number];
  for (let t = 0; t < taps.length; t += 3) {
    const target = sumBase + 4 * taps[t + sumOffset]!;
    kernels.run(multiplyAccumulate, [target, aBase + 4 * taps[t + aOffset]!, bBase + 4 * taps[t + bOffset]!], [target], channels, []);
  }
  return sum;
}

/** A float32 output on the wasm heap, filled with zeros to accumulate into. */
function zeroedOutput(backend: KernelArgs['backend'], shape: Shape4D): tf.TensorInfo {
  const heap = backend as WasmBackendInternals;
  const out = heap.makeOutput(shape, 'float32');
  heap.typedArrayFromHeap(out).fill(0);
  return out;
}

/**
 * Float32 views of tensors on the wasm heap. Allocating can grow the wasm memory and detach
 * earlier views, so they are taken after every output is made.
 */
function heapViews<const Tensors extends readonly tf.TensorInfo[]>(backend: KernelArgs['backend'], tensors: Tensors) {
  const heap = backend as WasmBackendInternals;
  return tensors.map((t) => heap.typedArrayFromHeap(t)) as { [K in keyof Tensors]: Float32Array };
}

interface ConvGeometry {
  /**
   * (input pixel, output pixel, tap) flat offsets, three per (batch, output pixel, filter tap)
   * whose input pixel lies inside the image; every channel of the three starts there. Listing
   * them first keeps the per-channel loops, where the time goes, free of geometry.
   */
  readonly taps: Int32Array;
  readonly inChannels: number;
  readonly multiplier: number;
}

function convGeometry(inputShape: Shape4D, filterShape: Shape4D, attrs: DepthwiseBackpropAttrs): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const [inChannels, multiplier] = [filterShape[2], filterShape[3]];
  const outChannels = inChannels * multiplier;
  const taps: number[] = [];
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
            taps.push(((b * inHeight + row) * inWidth + col) * inChannels, outputAt, (i * filterWidth + j) * outChannels);
          }
        }
      }
    }
  }
  return { taps: Int32Array.from(taps), inChannels, multiplier };
}
