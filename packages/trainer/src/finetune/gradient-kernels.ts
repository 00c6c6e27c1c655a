import * as tf from '@tensorflow/tfjs';
import { FinetuneUnsupportedError } from './finetune-errors.ts';

const conv = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];
const depthwise = ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

/**
 * Kernels that only training runs: a backend can run a layer forward yet lack its gradient
 * (tfjs-backend-wasm 4.22 ships neither depthwise backprop kernel nor Conv2DBackpropFilter;
 * selectBackend registers Transfer Lab's own, but a backend set up any other way may still lack
 * them). Without this check the first training step fails with "Kernel ... not registered", far
 * from the spec field that caused it.
 */
const gradientKernels: Readonly<Record<string, readonly string[]>> = {
  Conv2D: conv,
  DepthwiseConv2D: depthwise,
  SeparableConv2D: [...depthwise, ...conv],
};

export function assertTrainableOnBackend(layers: readonly tf.layers.Layer[], backbone: string): void {
  const backend = tf.getBackend();
  for (const layer of layers) {
    const missing = (gradientKernels[layer.getClassName()] ?? []).find((kernel) => !tf.getKernel(kernel, backend));
    if (missing !== undefined) {
      throw new FinetuneUnsupportedError(
        backbone,
        layer.name,
        `the ${backend} backend has no ${missing} kernel, which training it needs; start trainable_from after it, ` +
          'or run on another backend (TLAB_BACKEND=cpu has every kernel but is about 30x slower)',
      );
    }
  }
}
