import * as tf from '@tensorflow/tfjs';
import { listSome, type NamedTensor } from '@tlab/core';
import type { WasmBackendInternals } from '../wasm/wasm-runtime.ts';
import { TransposedDense } from './transposed-dense.ts';

/** The layers a model is made of, with nested models (a fine-tuned trunk) opened up. */
function leafLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => (layer instanceof tf.LayersModel ? leafLayers(layer) : [layer]));
}

/** `dense/kernel`: the layer's name and the weight's own, as Keras names weights in its files. */
function weightKey(layer: tf.layers.Layer, weight: tf.LayerVariable): string {
  return `${layer.name}/${weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1)}`;
}

/** A model's trainable weights at one moment, copied inside the backend; read out only if kept. */
export interface WeightSnapshot {
  /**
   * Hands the weights, in Keras's layout, to `keep` and returns what it returns. On the wasm backend
   * their values are views of the wasm heap, valid only during the call: a Flatten head's kernel is
   * not copied out (a 154 MB copy per run, 37.6k page faults, about 0.45 s here).
   */
  use<T>(keep: (weights: readonly NamedTensor[]) => T): T;
  dispose(): void;
}

/**
 * What a checkpoint keeps: a model's trainable weights (the head's, plus a fine-tuned trunk's).
 * They are copied within the backend, since a run snapshots every epoch that improves and keeps
 * only the last: reading each copy out cost 0.7 s per Flatten-head snapshot here (38.5M weights,
 * wasm), half of a later epoch's head time. TransposedDense keeps its kernel as [units, inputs]
 * for speed; it is read as the Dense kernel [inputs, units] it stands for.
 */
export function snapshotTrainableWeights(model: tf.LayersModel): WeightSnapshot {
  const copies = leafLayers(model).flatMap((layer) =>
    layer.trainableWeights.map((weight) => ({
      name: weightKey(layer, weight),
      transposed: layer instanceof TransposedDense && weight.shape.length === 2,
      // A copy: the next optimizer step overwrites the variable.
      value: tf.keep(weight.read().clone()),
    })),
  );
  return {
    use(keep) {
      const keras = copies.map(({ name, transposed, value }) => ({ name, tensor: transposed ? tf.tidy(() => value.transpose()) : value, temporary: transposed }));
      try {
        // Views are taken once every transpose is made: allocating can grow the wasm memory, which detaches earlier views.
        return keep(keras.map(({ name, tensor }) => ({ name, shape: tensor.shape, values: float32Values(name, tensor) })));
      } finally {
        for (const { tensor, temporary } of keras) if (temporary) tensor.dispose();
      }
    },
    dispose: () => copies.forEach(({ value }) => value.dispose()),
  };
}

/** A float32 tensor's values where the backend keeps them: on the wasm heap, or the array another backend holds. */
function float32Values(name: string, tensor: tf.Tensor): Float32Array {
  const values = tf.getBackend() === 'wasm' ? (tf.backend() as WasmBackendInternals).typedArrayFromHeap(tensor) : tensor.dataSync();
  if (!(values instanceof Float32Array)) throw new TypeError(`${name} is ${tensor.dtype}, a checkpoint holds float32 weights`);
  return values;
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
  if (problems.length > 0) throw new RangeError(`${source} does not fit the model: ${listSome(problems, 5, '; ')}`);
  for (const tensor of tensors) {
    const value = tf.tensor(tensor.values, [...tensor.shape], 'float32');
    slots.get(tensor.name)!.write(value);
    value.dispose();
  }
}
