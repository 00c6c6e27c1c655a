import type { io } from '@tensorflow/tfjs';
import { createRandom, deriveSeed } from '@tlab/core';
import type { ModelSource } from './model-source.ts';
import type { RawModel } from './weight-manifest.ts';

/**
 * A three-block CNN (conv 3×3 16 → pool → conv 32 → pool → conv 64) with fixed random weights,
 * for tests and smoke runs that need a backbone in milliseconds. Its features are random
 * projections, not learned ones: never a baseline for accuracy.
 */
const convBlocks = [
  { name: 'block1', filters: 16 },
  { name: 'block2', filters: 32 },
  { name: 'block3', filters: 64 },
] as const;

const kernelSize = 3;
const inputChannels = 3;
/** Changing it changes every tiny_cnn weightsHash, and with them every variant id that uses it. */
const weightsSeed = 20240601;

function topology(): object {
  const layers: object[] = [];
  convBlocks.forEach((block, index) => {
    if (index > 0) {
      const pool = `${convBlocks[index - 1]!.name}_pool`;
      layers.push({ class_name: 'MaxPooling2D', config: { name: pool, pool_size: [2, 2], strides: [2, 2], padding: 'valid' } });
    }
    layers.push({
      class_name: 'Conv2D',
      config: {
        name: block.name,
        filters: block.filters,
        kernel_size: [kernelSize, kernelSize],
        strides: [1, 1],
        padding: 'same',
        activation: 'relu',
        use_bias: true,
        // The real size is set when the backbone is cut for a given image size.
        ...(index === 0 ? { batch_input_shape: [null, null, null, inputChannels] } : {}),
      },
    });
  });
  return { class_name: 'Sequential', config: { name: 'tiny_cnn', layers } };
}

/**
 * Glorot-uniform kernels and zero biases drawn from Transfer Lab's own seeded generator rather
 * than tfjs's initialisers, so the bytes (and the hash) depend on neither the tfjs version nor
 * the backend.
 */
function weights(): Pick<RawModel, 'weightSpecs' | 'weightData'> {
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const values: number[] = [];
  let channelsIn: number = inputChannels;
  for (const block of convBlocks) {
    const random = createRandom(deriveSeed(weightsSeed, 'tiny_cnn', block.name));
    const fanIn = kernelSize * kernelSize * channelsIn;
    const fanOut = kernelSize * kernelSize * block.filters;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const kernelShape = [kernelSize, kernelSize, channelsIn, block.filters];
    weightSpecs.push({ name: `${block.name}/kernel`, shape: kernelShape, dtype: 'float32' });
    for (let i = 0; i < fanIn * block.filters; i++) values.push(random.uniform(-limit, limit));
    weightSpecs.push({ name: `${block.name}/bias`, shape: [block.filters], dtype: 'float32' });
    for (let i = 0; i < block.filters; i++) values.push(0);
    channelsIn = block.filters;
  }
  return { weightSpecs, weightData: new Uint8Array(Float32Array.from(values).buffer) };
}

export const tinyCnnSource: ModelSource = {
  label: 'tiny_cnn',
  file: 'tiny_cnn (built in)',
  curatedCutoffs: convBlocks.map((block) => block.name),
  immutable: true,
  readTopology: async () => topology(),
  readModel: async () => ({ modelTopology: topology(), ...weights() }),
};
