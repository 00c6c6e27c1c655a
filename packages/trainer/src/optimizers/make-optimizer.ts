import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@tlab/core';
import { FusedOptimizer } from './fused-optimizer.ts';
import { adamRule, rmspropRule, sgdRule, type UpdateRule } from './update-rules.ts';

export type OptimizerName = ResolvedConfig['train']['optimizer'];

/**
 * The spec's optimizer with tf.train's defaults (Keras's too: RMSprop ρ 0.9, Adam β 0.9/0.999,
 * ε the backend's). On wasm the update runs fused, with identical results; tfjs-node and cpu run
 * tf.train's own, which are fast (tfjs-node) or hopeless either way (cpu).
 */
export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  if (tf.getBackend() !== 'wasm') return stockOptimizer(name, learningRate);
  return new FusedOptimizer(fusedRule(name, learningRate, tf.backend().epsilon()));
}

/** How many arrays the size of each weight the optimizer keeps on wasm, where heads train. */
export function optimizerSlots(name: OptimizerName): number {
  return fusedRule(name, 1, 0).slots.length;
}

function fusedRule(name: OptimizerName, learningRate: number, epsilon: number): UpdateRule {
  switch (name) {
    case 'rmsprop':
      return rmspropRule({ learningRate, epsilon });
    case 'adam':
      return adamRule({ learningRate, epsilon });
    case 'sgd':
      return sgdRule({ learningRate });
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
