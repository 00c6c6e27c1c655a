import * as tf from '@tensorflow/tfjs';

export type Tensor = tf.SymbolicTensor;

/** Keras's `_make_divisible` (from the TF-Slim MobileNet code): round to a multiple of `divisor`, never down by more than 10%. */
export function makeDivisible(value: number, divisor: number): number {
  let rounded = Math.max(divisor, Math.trunc(value + divisor / 2) - (Math.trunc(value + divisor / 2) % divisor));
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

/**
 * An initializer that a topology records as `serialised` (a layer's own default) but that draws
 * zeros. The architectures are built only to be serialised (architectureGraph): their weights
 * always come from a file, or from the topology's initializers when a model is built from it.
 * Drawing InceptionV3's 21.8M random kernel values cost 1.1 s of every sweep's start (ResNet50's
 * 0.9 s); zeros cost 0.5 s and 0.2–0.3 s in all (measured here).
 */
function drawingZeros(serialised: unknown): ReturnType<typeof tf.initializers.varianceScaling> {
  const { className, config } = serialised as { className: string; config: Parameters<typeof tf.initializers.varianceScaling>[0] };
  if (className !== 'VarianceScaling') throw new TypeError(`expected tfjs's default kernel initializer to be VarianceScaling, not ${className}`);
  return Object.assign(tf.initializers.varianceScaling(config), { apply: (shape: number[], dtype?: tf.DataType) => tf.zeros(shape, dtype) });
}

// tfjs's defaults (glorot_normal; Keras's own is glorot_uniform), as layers given none serialise
// them. Named, so that these probes take no number from tfjs's automatic layer names.
const convKernels = drawingZeros(tf.layers.conv2d({ name: 'default_probe', filters: 1, kernelSize: 1 }).getConfig()['kernelInitializer']);
const depthwiseKernels = drawingZeros(tf.layers.depthwiseConv2d({ name: 'default_probe', kernelSize: 1 }).getConfig()['depthwiseInitializer']);

type Initialized<Args> = Omit<Args, 'kernelInitializer' | 'depthwiseInitializer'>;

/** `tf.layers.conv2d` for an architecture graph (see drawingZeros). */
export const conv2d = (args: Initialized<Parameters<typeof tf.layers.conv2d>[0]>) => tf.layers.conv2d({ ...args, kernelInitializer: convKernels });

/** `tf.layers.depthwiseConv2d` for an architecture graph (see drawingZeros). */
export const depthwiseConv2d = (args: Initialized<Parameters<typeof tf.layers.depthwiseConv2d>[0]>) =>
  tf.layers.depthwiseConv2d({ ...args, depthwiseInitializer: depthwiseKernels });

/** Keras's `ReLU(6.)`, the MobileNets' activation. */
export const relu6 = (name: string) => tf.layers.reLU({ name, maxValue: 6 });

/** [height, width] of an NHWC symbolic tensor; the architectures are always built at a fixed size. */
export function spatialSize(x: Tensor): [number, number] {
  const [, height, width] = x.shape;
  if (height == null || width == null) throw new RangeError('architectures are built at a fixed input size');
  return [height, width];
}
