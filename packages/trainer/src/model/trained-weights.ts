import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '@tlab/core';
import { TransposedDense } from './transposed-dense.ts';

/** The layers a model is made of, with nested models (a fine-tuned trunk) opened up. */
function leafLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => (layer instanceof tf.LayersModel ? leafLayers(layer) : [layer]));
}

/** `dense/kernel`: the layer's name and the weight's own, as Keras names weights in its files. */
function weightKey(layer: tf.layers.Layer, weight: tf.LayerVariable): string {
  return `${layer.name}/${weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1)}`;
}

/**
 * What a checkpoint keeps: a model's trainable weights (the head's, plus a fine-tuned trunk's) in
 * Keras's layout, copied out of the backend. TransposedDense keeps its kernel as [units, inputs]
 * for speed; it is written as the Dense kernel [inputs, units] it stands for.
 */
export function trainableWeights(model: tf.LayersModel): NamedTensor[] {
  return leafLayers(model).flatMap((layer) =>
    layer.trainableWeights.map((weight) => {
      const transposed = layer instanceof TransposedDense && weight.shape.length === 2;
      const value = tf.tidy(() => (transposed ? weight.read().transpose() : weight.read().clone()));
      // A copy: a backend may hand out its own buffer, which the next optimizer step could overwrite in place.
      const tensor: NamedTensor = { name: weightKey(layer, weight), shape: value.shape, values: new Float32Array(value.dataSync()) };
      value.dispose();
      return tensor;
    }),
  );
}

/**
 * Writes checkpoint tensors into a model of Keras layers with the same layer names (an export or
 * prediction model). Each tensor must find its weight, by name and shape, and the head's output
 * layer must be among them: a checkpoint of another head, cutoff or class count is refused, never
 * half-loaded. Weights the checkpoint does not hold (a fine-tuned block's BatchNormalization, kept
 * frozen in training) keep the backbone's values.
 */
export function loadTrainableWeights(model: tf.LayersModel, tensors: readonly NamedTensor[], source: string): void {
  const slots = new Map(leafLayers(model).flatMap((layer) => layer.weights.map((weight) => [weightKey(layer, weight), weight] as const)));
  const problems: string[] = [];
  for (const tensor of tensors) {
    const slot = slots.get(tensor.name);
    if (slot === undefined) problems.push(`${tensor.name} has no place in the model`);
    else if (tensor.shape.join('x') !== slot.shape.join('x')) problems.push(`${tensor.name} is [${tensor.shape.join(', ')}], the model's is [${slot.shape.join(', ')}]`);
  }
  for (const required of ['output/kernel', 'output/bias']) {
    if (!tensors.some((t) => t.name === required)) problems.push(`${required} is missing`);
  }
  if (problems.length > 0) throw new RangeError(`${source} does not fit the model: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  for (const tensor of tensors) {
    const value = tf.tensor(tensor.values, [...tensor.shape], 'float32');
    slots.get(tensor.name)!.write(value);
    value.dispose();
  }
}
