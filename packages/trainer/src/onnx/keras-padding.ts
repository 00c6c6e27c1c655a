/** One spatial window (convolution or pooling) in Keras terms, height first. */
export interface KerasWindow {
  readonly padding: 'same' | 'valid';
  readonly inputSize: readonly [number, number];
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations?: readonly [number, number];
}

/**
 * ONNX `pads` ([top, left, bottom, right]) reproducing a Keras window. Keras 'same' (TensorFlow's
 * SAME) pads to ceil(input / stride) outputs and puts the odd pixel at the end; ONNX's own
 * auto_pad SAME_UPPER agrees, but explicit pads keep the graph independent of how each runtime
 * reads auto_pad.
 */
export function kerasPads(window: KerasWindow): [number, number, number, number] {
  if (window.padding === 'valid') return [0, 0, 0, 0];
  const [top, bottom] = samePads(window, 0);
  const [left, right] = samePads(window, 1);
  return [top, left, bottom, right];
}

function samePads(window: KerasWindow, axis: 0 | 1): [number, number] {
  const size = window.inputSize[axis];
  const stride = window.strides[axis];
  const extent = (window.kernel[axis] - 1) * (window.dilations?.[axis] ?? 1) + 1;
  const outputs = Math.ceil(size / stride);
  const total = Math.max((outputs - 1) * stride + extent - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
