import * as tf from '@tensorflow/tfjs';

export interface ModelWithWeights {
  readonly modelTopology: object;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
}

/**
 * `tf.loadLayersModel` of a topology whose every weight is given (strict: a missing or extra
 * weight is an error), for a model that is used, never saved again (`tlab predict` of an export).
 * tfjs builds each layer with its initializer before it sets the given weights, and random ones
 * cost time for nothing: 0.65 s of loading an exported Flatten head (38.5M weights) here. Every
 * initializer is replaced by Zeros, so the loaded model computes the same; but its own topology
 * then names Zeros, which is why models that are exported keep tfjs's own loading.
 */
export async function loadModelWithWeights(artifacts: ModelWithWeights): Promise<tf.LayersModel> {
  const modelTopology = withZeroInitializers(artifacts.modelTopology) as object;
  return tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology }), { strict: true });
}

const zeros = { class_name: 'Zeros', config: {} };

/** A copy of Keras layer JSON with every `*_initializer` (at any depth: nested models too) set to Zeros. */
export function withZeroInitializers(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(withZeroInitializers);
  if (json === null || typeof json !== 'object') return json;
  return Object.fromEntries(
    Object.entries(json).map(([key, value]) => [key, key.endsWith('_initializer') && value !== null && typeof value === 'object' ? zeros : withZeroInitializers(value)]),
  );
}
