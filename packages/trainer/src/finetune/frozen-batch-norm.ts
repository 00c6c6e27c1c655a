import * as tf from '@tensorflow/tfjs';

interface FrozenBatchNormArgs {
  /** The channel axis, as BatchNormalization's `axis` (negative counts from the end). */
  axis: number;
  name?: string;
}

/**
 * BatchNormalization in inference mode, as y = x·scale + offset with both constant. tfjs-layers
 * 4.22 cannot train through its own BatchNormalization: it ignores `trainable` and normalises with
 * batch statistics, and Keras InceptionV3's BN layers have no gamma (scale=false), which crashes
 * both the training-mode and the inference-mode kernel under a gradient tape. Plain mul/add
 * differentiate on every backend. Keras, too, keeps BN frozen in inference mode when fine-tuning.
 */
export class FrozenBatchNorm extends tf.layers.Layer {
  static readonly className = 'TlabFrozenBatchNorm';
  private readonly axis: number;
  private scale: tf.LayerVariable | undefined;
  private offset: tf.LayerVariable | undefined;
  private broadcastShape: number[] = [];

  constructor(args: FrozenBatchNormArgs) {
    super(args);
    if (!Number.isInteger(args.axis)) throw new RangeError(`FrozenBatchNorm axis must be an integer, got ${String(args.axis)}`);
    this.axis = args.axis;
    this.trainable = false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axis = this.axis < 0 ? shape.length + this.axis : this.axis;
    const channels = shape[axis];
    if (axis < 1 || axis >= shape.length || channels == null) {
      throw new RangeError(`FrozenBatchNorm '${this.name}': axis ${this.axis} is not a known channel axis of input shape [${shape.join(', ')}]`);
    }
    this.broadcastShape = shape.map((_, i) => (i === axis ? channels : 1));
    this.scale = this.addWeight('scale', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.offset = this.addWeight('offset', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.add(tf.mul(x, this.scale!.read().reshape(this.broadcastShape)), this.offset!.read().reshape(this.broadcastShape)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}

tf.serialization.registerClass(FrozenBatchNorm);

/**
 * Applies, in place of the BatchNormalization layer `bn`, a FrozenBatchNorm holding bn's
 * inference-mode affine map: scale = γ/√(var+ε), offset = β − mean·scale, with γ = 1 when bn has
 * no scale and β = 0 when it has no center.
 */
export function applyFrozenBatchNorm(bn: tf.layers.Layer, input: tf.SymbolicTensor): tf.SymbolicTensor {
  const config = bn.getConfig();
  const frozen = new FrozenBatchNorm({ axis: config['axis'] as number, name: bn.name });
  const output = frozen.apply(input) as tf.SymbolicTensor;
  const epsilon = config['epsilon'] as number;
  const byName = new Map(bn.weights.map((weight) => [weight.originalName.split('/').pop(), weight]));
  const read = (name: string) => {
    const weight = byName.get(name);
    if (weight === undefined) throw new Error(`BatchNormalization '${bn.name}' has no ${name} weight`);
    return weight.read();
  };
  const affine = tf.tidy(() => {
    const scale = tf.div(byName.has('gamma') ? read('gamma') : 1, tf.sqrt(tf.add(read('moving_variance'), epsilon)));
    const offset = tf.sub(byName.has('beta') ? read('beta') : 0, tf.mul(read('moving_mean'), scale));
    return [scale, offset];
  });
  frozen.setWeights(affine);
  tf.dispose(affine);
  return output;
}
