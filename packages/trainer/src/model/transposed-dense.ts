import * as tf from '@tensorflow/tfjs';

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

interface TransposedDenseArgs {
  units: number;
  /** Draws the kernel as a Dense layer's [inputs, units]; it is stored transposed. */
  kernelInitializer: Initializer;
  name?: string;
}

/**
 * A kernel drawn by `dense` as a Dense layer's [inputs, units] and handed over transposed, so the
 * variable starts as the draw itself. A zeros kernel overwritten by the draw cost a 154 MB buffer
 * more per Flatten head here (tfjs fills zeros in JS before the backend copies them in): 37.6k page
 * faults, about 0.5 s on this machine.
 */
class TransposedDraw extends tf.serialization.Serializable {
  constructor(private readonly dense: Initializer) {
    super();
  }

  fromConfigUsesCustomObjects(): boolean {
    return false;
  }

  /** `shape` is the stored [units, inputs]; the draw is the Dense kernel's [inputs, units]. */
  apply(shape: tf.Shape, dtype?: tf.DataType): tf.Tensor {
    return tf.tidy(() => this.dense.apply([...shape].reverse(), dtype).transpose());
  }

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
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
  private readonly kernelInitializer: TransposedDenseArgs['kernelInitializer'];
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: TransposedDenseArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!Number.isInteger(args.units) || args.units < 1) throw new RangeError(`units must be a positive integer, got ${args.units}`);
    this.units = args.units;
    this.kernelInitializer = args.kernelInitializer;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputs = shape[shape.length - 1];
    if (shape.length !== 2 || inputs == null) throw new RangeError(`TransposedDense takes [batch, features] inputs, got [${shape.join(', ')}]`);
    this.kernel = this.addWeight('kernel', [this.units, inputs], 'float32', new TransposedDraw(this.kernelInitializer));
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
