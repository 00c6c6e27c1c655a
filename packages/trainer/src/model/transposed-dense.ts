import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { WasmBackendInternals } from '../wasm/wasm-runtime.ts';

interface TransposedDenseArgs {
  units: number;
  /** Seeds the kernel's glorot_uniform draw, Keras's Dense default, as `tf.initializers.glorotUniform({ seed })`. */
  kernelSeed: number;
  name?: string;
}

/**
 * A kernel drawn as tfjs's `glorotUniform({ seed })` draws a Dense layer's [inputs, units] kernel,
 * and handed over transposed, so the variable starts as that draw itself.
 */
class TransposedGlorotDraw extends tf.serialization.Serializable {
  constructor(private readonly seed: number) {
    super();
  }

  fromConfigUsesCustomObjects(): boolean {
    return false;
  }

  /** `shape` is the stored [units, inputs]. */
  apply(shape: tf.Shape): tf.Tensor {
    const [units, inputs] = shape as [number, number];
    const draw = tf.getBackend() === 'wasm' ? glorotUniformOnHeap(inputs, units, this.seed) : tf.initializers.glorotUniform({ seed: this.seed }).apply([inputs, units]);
    const transposed = tf.tidy(() => draw.transpose());
    draw.dispose();
    return transposed;
  }

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/**
 * tfjs's glorot_uniform draw of an [inputs, units] kernel (VarianceScaling over the fans' mean,
 * then `randomUniform`'s alea sequence from the seed's string), written straight into a tensor on
 * the wasm heap. tfjs draws it into a fresh 154 MB JS array first for a Flatten head's 37632×1024
 * kernel: 0.83-1.26 s and 38k-76k page faults per draw here, against 0.41-0.43 s and none on the
 * heap memory the previous run freed (a cached run takes about 7 s). The tests check it equals
 * tfjs's draw bit for bit.
 */
function glorotUniformOnHeap(inputs: number, units: number, seed: number): tf.Tensor {
  const scale = 1 / Math.max(1, (inputs + units) / 2);
  const limit = Math.sqrt(3 * scale);
  const [min, range] = [-limit, limit - -limit];
  const random = seedrandom.alea(String(seed));
  const backend = tf.backend() as WasmBackendInternals;
  const info = backend.makeOutput([inputs, units], 'float32');
  const values = backend.typedArrayFromHeap(info);
  for (let i = 0; i < values.length; i++) values[i] = min + range * random();
  return tf.engine().makeTensorFromTensorInfo(info);
}

/**
 * Dense without activation, y = x·W + b, that stores W transposed ([units, inputs]) and computes
 * (Wᵀ·xᵀ)ᵀ. tfjs-backend-wasm passes a matMul's second operand to XNNPACK as packed weights,
 * repacked whenever that operand is a new tensor — which a trained weight is after every step. For
 * the Flatten head's 37632×1024 kernel the repacking took ~0.8 s of a 1.1 s step here; as the first
 * operand the weight is read in place and only the 20-sample batch is packed. The initial values
 * are exactly a Dense kernel's from the same initializer; only the products' summation order differs.
 */
export class TransposedDense extends tf.layers.Layer {
  static readonly className = 'TlabTransposedDense';
  private readonly units: number;
  private readonly kernelSeed: number;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: TransposedDenseArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!Number.isInteger(args.units) || args.units < 1) throw new RangeError(`units must be a positive integer, got ${args.units}`);
    this.units = args.units;
    this.kernelSeed = args.kernelSeed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputs = shape[shape.length - 1];
    if (shape.length !== 2 || inputs == null) throw new RangeError(`TransposedDense takes [batch, features] inputs, got [${shape.join(', ')}]`);
    this.kernel = this.addWeight('kernel', [this.units, inputs], 'float32', new TransposedGlorotDraw(this.kernelSeed));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.add(tf.transpose(tf.matMul(this.kernel!.read(), x, false, true)), this.bias!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(TransposedDense);
