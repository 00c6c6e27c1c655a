import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { callKernel, wasmKernel, withTemporaries } from '../engine/wasm-kernel-calls.ts';
import { allowInPlaceUpdates } from '../optimizers/in-place-variables.ts';
import type { WasmBackendInternals } from '../wasm/wasm-runtime.ts';

interface TransposedDenseArgs {
  units: number;
  /** Seeds the kernel's glorot_uniform draw, Keras's Dense default, as `tf.initializers.glorotUniform({ seed })`. */
  kernelSeed: number;
  /**
   * Whether a gradient flows into the layer's input: a fine-tuned trunk below it. Without one (a
   * head on cached features), the backward pass keeps only the input, not the copy of the kernel
   * that tfjs keeps of every matMul operand (154 MB per step for a Flatten head), and the fused
   * optimizer updates the kernel in place (in-place-variables.ts): the kernel is then only ever a
   * matMul's first operand, which XNNPACK does not pack.
   */
  gradientToInput: boolean;
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

/** (Wᵀ·xᵀ)ᵀ = x·W, from the kernel as stored, Wᵀ. */
function transposedProduct(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
  return tf.transpose(tf.matMul(kernel, x, false, true));
}

/**
 * transposedProduct on wasm for an input that takes no gradient, as a kernel of its own: the
 * backward pass keeps only x (tfjs keeps a copy of both matMul operands, the kernel's 154 MB
 * among them, on every step) and computes only the kernel's gradient, dyᵀ·x: the same products,
 * summed in the same order, as tfjs's matMul gradient. A gradient that reaches the input anyway
 * (the layer under a trainable one, built without gradientToInput) is refused, not left out.
 */
const productOnFeaturesKernel = 'TlabProductOnFeatures';
tf.registerKernel({
  kernelName: productOnFeaturesKernel,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) =>
    withTemporaries(backend, (temporary) => {
      const product = temporary(wasmKernel('BatchMatMul'), { a: inputs['kernel']!, b: inputs['x']! }, { transposeA: false, transposeB: true });
      return callKernel(wasmKernel('Transpose'), backend, { x: product }, { perm: [1, 0] });
    }),
});
tf.registerGradient({
  kernelName: productOnFeaturesKernel,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({
    x: () => {
      throw new Error('a gradient reached the input of a TransposedDense built for features: build it with gradientToInput under a trainable layer');
    },
    kernel: () => tf.matMul(dy as tf.Tensor, x!, true, false),
  }),
});

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
  private readonly gradientToInput: boolean;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: TransposedDenseArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!Number.isInteger(args.units) || args.units < 1) throw new RangeError(`units must be a positive integer, got ${args.units}`);
    this.units = args.units;
    this.kernelSeed = args.kernelSeed;
    this.gradientToInput = args.gradientToInput;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputs = shape[shape.length - 1];
    if (shape.length !== 2 || inputs == null) throw new RangeError(`TransposedDense takes [batch, features] inputs, got [${shape.join(', ')}]`);
    this.kernel = this.addWeight('kernel', [this.units, inputs], 'float32', new TransposedGlorotDraw(this.kernelSeed));
    if (!this.gradientToInput) allowInPlaceUpdates(this.kernel.read());
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const kernel = this.kernel!.read();
    const onFeatures = !this.gradientToInput && tf.getBackend() === 'wasm';
    return tf.tidy(() => tf.add(onFeatures ? tf.engine().runKernel(productOnFeaturesKernel, { x, kernel }) as tf.Tensor : transposedProduct(x, kernel), this.bias!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(TransposedDense);
