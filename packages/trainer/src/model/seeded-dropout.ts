import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '@tlab/core';

interface SeededDropoutArgs extends tf.serialization.ConfigDict {
  rate: number;
  seed: number;
}

/**
 * Dropout whose masks are reproducible from the run's seed yet differ at every training step.
 * tfjs-layers' own Dropout either ignores determinism (no seed) or, given a seed, draws the SAME
 * mask on every step, which silently weakens the regulariser. This layer derives step i's mask
 * from (seed, i).
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'TlabSeededDropout';
  private readonly rate: number;
  private readonly seed: number;
  private step = 0;

  constructor(args: SeededDropoutArgs & { name?: string }) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (this.rate === 0 || kwargs['training'] !== true) return input;
    const stepSeed = deriveSeed(this.seed, 'dropout', this.step++);
    return tf.tidy(() => tf.dropout(input, this.rate, undefined, stepSeed));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
