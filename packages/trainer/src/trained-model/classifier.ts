import * as tf from '@tensorflow/tfjs';
import type { Checkpoint, NamedTensor, ResolvedConfig } from '@tlab/core';
import type { BackboneConfig } from '../backbones/backbone.ts';
import { loadBackbone } from '../backbones/load-backbone.ts';
import { applyHead, kerasHeadLayers } from '../model/head-layers.ts';
import { loadTrainableWeights } from '../model/trained-weights.ts';

export interface ClassifierInput {
  /** The run's backbone, located (absolute path or weights file), with its recorded weights. */
  readonly backbone: BackboneConfig;
  readonly imageSize: [number, number];
  readonly head: ResolvedConfig['head'];
  readonly classCount: number;
  readonly checkpoint: Checkpoint;
  /** Names the checkpoint in errors. */
  readonly source: string;
}

export interface Classifier {
  /** Pixels [n, height, width, 3], preprocessed as in training → one probability per class. Keras layers only. */
  readonly model: tf.LayersModel;
  dispose(): void;
}

/**
 * A trained run as one model: the backbone up to the cutoff (fine-tuned layers included) and the
 * head, with the checkpoint's weights. Two-class heads train one sigmoid unit; here it becomes the
 * equivalent softmax over two units, so every classifier outputs one probability per class in
 * label order — what Teachable Machine's and most tfjs code expects of an image model.
 */
export async function loadClassifier(input: ClassifierInput): Promise<Classifier> {
  const backbone = await loadBackbone(input.backbone, input.imageSize);
  try {
    const features = backbone.model.outputs[0]!;
    const output = applyHead(features, { head: input.head, classCount: input.classCount, binaryOutput: 'softmax' }, kerasHeadLayers);
    const model = tf.model({ inputs: backbone.model.inputs, outputs: output, name: 'classifier' });
    loadTrainableWeights(model, asSoftmaxPair(input.checkpoint.weights, input.classCount), input.source);
    for (const layer of model.layers) layer.trainable = false;
    // The classifier holds every layer of the backbone it was built on: disposing it frees them all.
    return { model, dispose: () => model.dispose() };
  } catch (error) {
    backbone.dispose();
    throw error;
  }
}

/**
 * sigmoid(z) = softmax([−z/2, z/2])[1]: a one-unit sigmoid output layer (kernel w, bias b) as a
 * two-unit softmax with kernel [−w/2, w/2] and bias [−b/2, b/2]. Other layers pass unchanged.
 */
export function asSoftmaxPair(weights: readonly NamedTensor[], classCount: number): NamedTensor[] {
  if (classCount !== 2) return [...weights];
  return weights.map((tensor) => {
    if (tensor.name !== 'output/kernel' && tensor.name !== 'output/bias') return tensor;
    const values = new Float32Array(tensor.values.length * 2);
    tensor.values.forEach((v, i) => {
      values[2 * i] = -v / 2;
      values[2 * i + 1] = v / 2;
    });
    return { name: tensor.name, shape: tensor.name === 'output/bias' ? [2] : [tensor.shape[0]!, 2], values };
  });
}
