import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@tlab/core';

/** How the head's Dense and Dropout layers are made: training uses its own fast, seeded ones; an export Keras's. */
export interface HeadLayerFactory {
  hidden(args: { units: number; name: string }): tf.layers.Layer;
  dropout(args: { rate: number; name: string }): tf.layers.Layer;
  output(args: { units: number; activation: 'sigmoid' | 'softmax'; name: string }): tf.layers.Layer;
}

export interface HeadShape {
  readonly head: ResolvedConfig['head'];
  readonly classCount: number;
  /** Two classes: one sigmoid unit (training, as Keras's binary_crossentropy wants), or a softmax over two. */
  readonly binaryOutput?: 'sigmoid' | 'softmax';
}

/**
 * The course's head on `features`: pooling (for spatial features) → Dense(units) → activation →
 * Dropout → Dense(1, sigmoid) for two classes or Dense(classes, softmax). Training and export both
 * build it here, so layer names and order — what a checkpoint's weights are keyed by — are one fact.
 */
export function applyHead(features: tf.SymbolicTensor, { head, classCount, binaryOutput = 'sigmoid' }: HeadShape, layers: HeadLayerFactory): tf.SymbolicTensor {
  let x = features;
  if (features.shape.length === 4) {
    const pooling =
      head.pooling === 'flatten'
        ? tf.layers.flatten({ name: 'flatten' })
        : head.pooling === 'avg'
          ? tf.layers.globalAveragePooling2d({ name: 'avg_pool' })
          : tf.layers.globalMaxPooling2d({ name: 'max_pool' });
    x = pooling.apply(x) as tf.SymbolicTensor;
  }
  x = layers.hidden({ units: head.units, name: 'dense' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: head.activation, name: 'dense_activation' }).apply(x) as tf.SymbolicTensor;
  x = layers.dropout({ rate: head.dropout, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const sigmoid = classCount === 2 && binaryOutput === 'sigmoid';
  return layers.output({ units: sigmoid ? 1 : classCount, activation: sigmoid ? 'sigmoid' : 'softmax', name: 'output' }).apply(x) as tf.SymbolicTensor;
}

/** Keras's own layers, which any tfjs or Keras code loads: what an exported model is made of. */
export const kerasHeadLayers: HeadLayerFactory = {
  hidden: ({ units, name }) => tf.layers.dense({ units, name }),
  dropout: ({ rate, name }) => tf.layers.dropout({ rate, name }),
  output: ({ units, activation, name }) => tf.layers.dense({ units, activation, name }),
};
