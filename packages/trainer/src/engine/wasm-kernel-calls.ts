import * as tf from '@tensorflow/tfjs';

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The attributes both convolution gradient kernels take besides the shape they produce. */
export interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function wasmKernel(name: string): tf.KernelConfig {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel; import @tensorflow/tfjs-backend-wasm first`);
  return kernel;
}

/** One wasm kernel called directly from inside another kernel: no engine bookkeeping. */
export function callKernel(kernel: tf.KernelConfig, backend: KernelArgs['backend'], inputs: Record<string, tf.TensorInfo>, attrs: object): tf.TensorInfo {
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/**
 * Runs a kernel built from other kernels: `temporary` calls one and frees its result once `body`
 * returns or throws, so only the result `body` returns (made with `callKernel`) survives.
 */
export function withTemporaries<T>(
  backend: KernelArgs['backend'],
  body: (temporary: (kernel: tf.KernelConfig, inputs: Record<string, tf.TensorInfo>, attrs: object) => tf.TensorInfo) => T,
): T {
  const temporaries: tf.TensorInfo[] = [];
  try {
    return body((kernel, inputs, attrs) => {
      const out = callKernel(kernel, backend, inputs, attrs);
      temporaries.push(out);
      return out;
    });
  } finally {
    for (const t of temporaries) (backend as tf.KernelBackend).disposeData(t.dataId);
  }
}
