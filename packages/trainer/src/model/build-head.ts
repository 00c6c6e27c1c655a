import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '@tlab/core';
import type { ResolvedConfig } from '@tlab/core';
import { SeededDropout } from './seeded-dropout.ts';
import { TransposedDense } from './transposed-dense.ts';
import { makeOptimizer } from '../optimizers/make-optimizer.ts';
import { applyHead } from './head-layers.ts';

export interface HeadOptions {
  readonly featureShape: readonly number[];
  readonly classCount: number;
  readonly head: ResolvedConfig['head'];
  readonly train: Pick<ResolvedConfig['train'], 'optimizer' | 'learning_rate'>;
  readonly seed: number;
  /**
   * Fine-tuning: trainable backbone layers between the cached features and the head. The head then
   * takes the trunk's input (`featureShape` stays the trunk's output) and trains through it.
   */
  readonly trunk?: tf.LayersModel;
}

/**
 * The head trained on top of the frozen features ({@link applyHead}'s layers), compiled with the
 * run's optimizer. Dense is TransposedDense (fast on wasm), Dropout is SeededDropout; every
 * initializer and the dropout take seeds derived from the run seed.
 */
export function buildHead(options: HeadOptions): tf.LayersModel {
  const { featureShape, classCount, head, train, seed } = options;
  if (classCount < 2) throw new RangeError(`a classifier needs at least two classes, got ${classCount}`);
  if (featureShape.length < 1 || featureShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`feature shape must be positive integers, got [${featureShape.join(', ')}]`);
  }
  const binary = classCount === 2;
  const initSeed = (name: string) => deriveSeed(seed, 'init', name);
  const input = tf.input({ shape: options.trunk ? options.trunk.inputs[0]!.shape.slice(1) as number[] : [...featureShape], name: 'features' });
  const features: tf.SymbolicTensor = options.trunk ? (options.trunk.apply(input) as tf.SymbolicTensor) : input;
  const output = applyHead(features, { head, classCount }, {
    hidden: ({ units, name }) => new TransposedDense({ units, kernelSeed: initSeed('dense'), gradientToInput: options.trunk !== undefined, name }),
    dropout: ({ rate, name }) => new SeededDropout({ rate, seed: deriveSeed(seed, 'dropout'), name }),
    output: ({ units, activation, name }) => tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: initSeed('output') }), name }),
  });
  const model = tf.model({ inputs: input, outputs: output, name: 'head' });
  model.compile({
    optimizer: makeOptimizer(train.optimizer, train.learning_rate),
    loss: binary ? 'binaryCrossentropy' : 'categoricalCrossentropy',
    metrics: [binary ? 'binaryAccuracy' : 'categoricalAccuracy'],
  });
  return model;
}
