import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '@tlab/core';
import type { ResolvedConfig } from '@tlab/core';
import { SeededDropout } from './seeded-dropout.ts';
import { TransposedDense } from './transposed-dense.ts';
import { makeOptimizer } from '../optimizers/make-optimizer.ts';

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
 * The classifier trained on top of the frozen features: pooling → Dense(units) → Dropout →
 * Dense(1, sigmoid) for two classes or Dense(classes, softmax) otherwise, as the course builds it.
 * Every initializer and the dropout take seeds derived from the run seed.
 */
export function buildHead(options: HeadOptions): tf.LayersModel {
  const { featureShape, classCount, head, train, seed } = options;
  if (classCount < 2) throw new RangeError(`a classifier needs at least two classes, got ${classCount}`);
  if (featureShape.length < 1 || featureShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`feature shape must be positive integers, got [${featureShape.join(', ')}]`);
  }
  const spatial = featureShape.length === 3;
  const binary = classCount === 2;
  const initializer = (name: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'init', name) });

  const input = tf.input({ shape: options.trunk ? options.trunk.inputs[0]!.shape.slice(1) as number[] : [...featureShape], name: 'features' });
  let x: tf.SymbolicTensor = options.trunk ? (options.trunk.apply(input) as tf.SymbolicTensor) : input;
  if (spatial) {
    const pooling =
      head.pooling === 'flatten'
        ? tf.layers.flatten({ name: 'flatten' })
        : head.pooling === 'avg'
          ? tf.layers.globalAveragePooling2d({ name: 'avg_pool' })
          : tf.layers.globalMaxPooling2d({ name: 'max_pool' });
    x = pooling.apply(x) as tf.SymbolicTensor;
  }
  x = new TransposedDense({ units: head.units, kernelInitializer: initializer('dense'), name: 'dense' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: head.activation, name: 'dense_activation' }).apply(x) as tf.SymbolicTensor;
  x = new SeededDropout({ rate: head.dropout, seed: deriveSeed(seed, 'dropout'), name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: binary ? 1 : classCount,
      activation: binary ? 'sigmoid' : 'softmax',
      kernelInitializer: initializer('output'),
      name: 'output',
    })
    .apply(x) as tf.SymbolicTensor;

  const model = tf.model({ inputs: input, outputs: output, name: 'head' });
  model.compile({
    optimizer: makeOptimizer(train.optimizer, train.learning_rate),
    loss: binary ? 'binaryCrossentropy' : 'categoricalCrossentropy',
    metrics: [binary ? 'binaryAccuracy' : 'categoricalAccuracy'],
  });
  return model;
}
