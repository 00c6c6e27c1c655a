import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackboneConfig } from './backbone.ts';
import { backboneLayerNames, backboneWeightsHash, loadBackbone } from './load-backbone.ts';

const tinyCnn = (cutoff: string, trainable_from?: string): BackboneConfig => ({ name: 'tiny_cnn', cutoff, trainable_from });

/** Pinned so that any change to the tiny CNN's topology, seed or generator shows up as a failing test. */
const pinnedHash = '04497834acb245c3a6bfd1bd1a8f7d434bb8e6165944599bcae1454f02bc88ae';

describe('tiny_cnn backbone', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('cuts at each block with the expected feature shape, all layers frozen', async () => {
    const expected: Record<string, number[]> = { block1: [16, 16, 16], block2: [8, 8, 32], block3: [4, 4, 64] };
    for (const [cutoff, shape] of Object.entries(expected)) {
      const backbone = await loadBackbone(tinyCnn(cutoff), [16, 16]);
      expect(backbone.featureShape).toEqual(shape);
      expect(backbone.model.outputs[0]!.shape).toEqual([null, ...shape]);
      expect(backbone.model.layers.at(-1)!.name).toBe(cutoff);
      expect(backbone.model.trainableWeights).toHaveLength(0);
      backbone.dispose();
    }
  });

  it('gives the same weights and features on every load', async () => {
    const x = tf.randomUniform([2, 12, 20, 3], 0, 1, 'float32', 3);
    const first = await loadBackbone(tinyCnn('block3'), [12, 20]);
    const second = await loadBackbone(tinyCnn('block3'), [12, 20]);
    const [a, b] = tf.tidy(() => [first.model.predict(x) as tf.Tensor, second.model.predict(x) as tf.Tensor]);
    expect(a!.shape).toEqual([2, 3, 5, 64]);
    expect(await a!.data()).toEqual(await b!.data());
    // A ReLU net with biases at zero and random kernels must still pass signal through.
    expect((await a!.max().data())[0]).toBeGreaterThan(0);
    tf.dispose([x, a!, b!]);
    first.dispose();
    second.dispose();
  });

  it('has a pinned weightsHash that the dry-run hash agrees with', async () => {
    const backbone = await loadBackbone(tinyCnn('block2'), [8, 8]);
    expect(backbone.weightsHash).toBe(pinnedHash);
    expect(await backboneWeightsHash(tinyCnn('block1'))).toBe(pinnedHash);
    backbone.dispose();
  });

  it('unfreezes trainable_from and every layer after it', async () => {
    const backbone = await loadBackbone(tinyCnn('block3', 'block2'), [8, 8]);
    const trainable = backbone.model.layers.filter((layer) => layer.trainable).map((layer) => layer.name);
    expect(trainable).toEqual(['block2', 'block2_pool', 'block3']);
    expect(backbone.model.trainableWeights.map((weight) => weight.originalName)).toEqual([
      'block2/kernel',
      'block2/bias',
      'block3/kernel',
      'block3/bias',
    ]);
    backbone.dispose();
  });

  it('lists its layer names from the topology', async () => {
    expect(await backboneLayerNames(tinyCnn('block1'))).toEqual(['block1', 'block1_pool', 'block2', 'block2_pool', 'block3']);
  });

  it('frees every tensor on dispose', async () => {
    const before = tf.memory().numTensors;
    (await loadBackbone(tinyCnn('block3'), [8, 8])).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
