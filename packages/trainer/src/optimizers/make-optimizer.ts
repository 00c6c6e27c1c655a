import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@tlab/core';
import { FusedOptimizer } from './fused-optimizer.ts';
import { adamRule, rmspropRule, sgdRule } from './update-rules.ts';

export type OptimizerName = ResolvedConfig['train']['optimizer'];

/**
 * The spec's optimizer with tf.train's defaults (Keras's too: RMSprop ρ 0.9, Adam β 0.9/0.999,
 * ε the backend's). On wasm the update runs fused, with identical results; tfjs-node and cpu run
 * tf.train's own, which are fast (tfjs-node) or hopeless either way (cpu).
 */
export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  if (tf.getBackend() !== 'wasm') return stockOptimizer(name, learningRate);
  const epsilon = tf.backend().epsilon();
  switch (name) {
    case 'rmsprop':
      return new FusedOptimizer(rmspropRule({ learningRate, epsilon }));
    case 'adam':
      return new FusedOptimizer(adamRule({ learningRate, epsilon }));
    case 'sgd':
      return new FusedOptimizer(sgdRule({ learningRate }));
  }
}

export function stockOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
  }
}
