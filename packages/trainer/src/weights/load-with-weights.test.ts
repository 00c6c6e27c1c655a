import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModelWithWeights, withZeroInitializers } from './load-with-weights.ts';

/** A Dense layer's model built by tfjs itself (glorot kernel, zero bias), with its topology and weights as loaded from files. */
function denseArtifacts() {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, name: 'dense', kernelInitializer: 'glorotUniform' })] });
  const modelTopology = model.toJSON(undefined, false) as object;
  const kernel = new Float32Array([1, 2, 3, 4, 5, 6]);
  const bias = new Float32Array([0.5, -0.5]);
  model.dispose();
  const weightData = new Float32Array([...kernel, ...bias]).buffer;
  const weightSpecs: tf.io.WeightsManifestEntry[] = [
    { name: 'dense/kernel', shape: [3, 2], dtype: 'float32' },
    { name: 'dense/bias', shape: [2], dtype: 'float32' },
  ];
  return { modelTopology, weightSpecs, weightData, kernel, bias };
}

describe('loadModelWithWeights', () => {
  it('replaces every initializer at any depth by Zeros and leaves the rest of the JSON alone', () => {
    const json = { config: { layers: [{ config: { units: 2, kernel_initializer: { class_name: 'VarianceScaling', config: { seed: 1 } }, bias_initializer: { class_name: 'Zeros' } } }] } };
    expect(withZeroInitializers(json)).toEqual({
      config: { layers: [{ config: { units: 2, kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} } } }] },
    });
    expect(json.config.layers[0]!.config.kernel_initializer.class_name).toBe('VarianceScaling');
  });

  it('gives the model exactly the weights it was given', async () => {
    const { kernel, bias, ...artifacts } = denseArtifacts();
    const model = await loadModelWithWeights(artifacts);
    const [loadedKernel, loadedBias] = model.getWeights().map((weight) => weight.dataSync());
    expect(Array.from(loadedKernel!)).toEqual(Array.from(kernel));
    expect(Array.from(loadedBias!)).toEqual(Array.from(bias));
    model.dispose();
  });

  it('still refuses a weight list that does not cover the model (strict)', async () => {
    const { kernel: _kernel, bias: _bias, ...artifacts } = denseArtifacts();
    await expect(loadModelWithWeights({ ...artifacts, weightSpecs: artifacts.weightSpecs.slice(0, 1) })).rejects.toThrow();
  });
});
