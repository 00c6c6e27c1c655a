import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, DatasetItem } from '../data/dataset.ts';
import { selectBackend } from '../engine/select-backend.ts';
import type { FeatureProvider, FeatureRequest } from '../features/feature-provider.ts';
import { createRandom, deriveSeed, shuffledIndices } from '@tlab/core';
import { augmentPresets, type Checkpoint, type ResolvedConfig } from '@tlab/core';
import { defaultMetric, metricValue, type MetricSpec } from '@tlab/core';
import { trainVariant } from './train-variant.ts';

const featureShape = [4, 4, 3];

/** Class k items are labelled k; their features are noisy planes of level (k+1)/4: separable, not trivially. */
function syntheticDataset(classes: number, perClass: number): Dataset {
  const items = (split: string): DatasetItem[] =>
    Array.from({ length: classes * perClass }, (_, i) => ({ path: `${split}/${i}.png`, label: i % classes, sha256: `${split}-${i}` }));
  return { classes: Array.from({ length: classes }, (_, k) => `class${k}`), train: items('train'), validation: items('validation'), fingerprint: 'synthetic', skipped: [] };
}

function syntheticFeatures(onRequest?: (request: FeatureRequest) => void): FeatureProvider {
  const size = featureShape.reduce((a, b) => a * b, 1);
  let computed = 0;
  return {
    featureShape,
    computedImages: () => computed,
    async features(request) {
      onRequest?.(request);
      computed += request.items.length;
      const out = new Float32Array(request.items.length * size);
      request.items.forEach((item, i) => {
        const random = createRandom(deriveSeed(1, item.sha256, request.epoch, request.sampleIds[i]!));
        for (let p = 0; p < size; p++) out[i * size + p] = (item.label + 1) / 4 + random.uniform(-0.2, 0.2);
      });
      return out;
    },
  };
}

function config(overrides: Partial<ResolvedConfig['train']> = {}, head: Partial<ResolvedConfig['head']> = {}): ResolvedConfig {
  return {
    seed: 7,
    data: { train: 'unused', image_size: [8, 8], preprocessing: 'rescale', rescale: 1 },
    backbone: { name: 'tiny_cnn', cutoff: 'block1' },
    head: { pooling: 'avg', units: 16, activation: 'relu', dropout: 0.2, ...head },
    train: { optimizer: 'adam', learning_rate: 0.01, batch_size: 8, epochs: 4, ...overrides },
    augment: augmentPresets.none,
  };
}

describe('trainVariant', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it('learns a separable binary task and reports per-epoch train and validation metrics', async () => {
    const epochs: number[] = [];
    const result = await trainVariant({
      metric: defaultMetric,
      config: config({ epochs: 10, learning_rate: 0.05 }),
      dataset: syntheticDataset(2, 16),
      features: syntheticFeatures(),
      onEpoch: (m) => epochs.push(m.epoch),
    });
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const e of result.epochs) {
      for (const v of [e.loss, e.accuracy, e.valLoss, e.valAccuracy]) expect(Number.isFinite(v)).toBe(true);
    }
    expect(result.metrics['best_val_accuracy']).toBeGreaterThan(0.9);
    expect(result.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(32);
    expect(result.confusion.classes).toEqual(['class0', 'class1']);
  });

  it("picks the best epoch by the experiment's metric: with val_loss to minimize, the epoch of the lowest validation loss", async () => {
    const train = (metric: MetricSpec) =>
      trainVariant({ metric, config: config({ epochs: 10, learning_rate: 0.05 }), dataset: syntheticDataset(2, 16), features: syntheticFeatures() });
    const result = await train({ name: 'val_loss', goal: 'minimize' });
    const losses = result.epochs.map((e) => metricValue(e, 'val_loss'));
    const lowest = result.epochs[losses.indexOf(Math.min(...losses))]!;
    const accuracies = result.epochs.map((e) => e.valAccuracy);
    const mostAccurate = result.epochs[accuracies.indexOf(Math.max(...accuracies))]!;
    // Only a meaningful check when the two rules disagree on this history.
    expect(mostAccurate.epoch).not.toBe(lowest.epoch);
    expect(result.metrics['best_epoch']).toBe(lowest.epoch);
    expect(result.metrics['best_val_loss']).toBe(lowest.valLoss);
    expect(result.metrics['best_val_accuracy']).toBe(mostAccurate.valAccuracy);
    expect((await train(defaultMetric)).metrics['best_epoch']).toBe(mostAccurate.epoch);
  });

  it('gives identical numbers for the same seed, different ones for another seed', async () => {
    const run = (seed: number) => trainVariant({ metric: defaultMetric, config: { ...config({ epochs: 2 }), seed }, dataset: syntheticDataset(3, 8), features: syntheticFeatures() });
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    expect(b.epochs.map(({ seconds: _, ...m }) => m)).toEqual(a.epochs.map(({ seconds: _, ...m }) => m));
    expect(c.epochs[0]!.loss).not.toBe(a.epochs[0]!.loss);
  });

  it('asks for augmented training features per epoch, and un-augmented ones as epoch 0', async () => {
    const seen = (augment: ResolvedConfig['augment']) => {
      const requests: Array<{ epoch: number; augmented: boolean }> = [];
      return trainVariant({
        metric: defaultMetric,
        config: { ...config({ epochs: 2 }), augment },
        dataset: syntheticDataset(2, 4),
        features: syntheticFeatures((r) => requests.push({ epoch: r.epoch, augmented: r.augment !== null })),
      }).then(() => requests);
    };
    const plain = await seen(augmentPresets.none);
    expect(plain.every((r) => r.epoch === 0 && !r.augmented)).toBe(true);
    const augmented = await seen(augmentPresets.course);
    expect(augmented.filter((r) => r.augmented).map((r) => r.epoch)).toEqual([1, 2]);
    expect(augmented.filter((r) => !r.augmented).map((r) => r.epoch)).toEqual([0, 0]);
  });

  it('computes its validation features first when it does not augment and its features are cached, so that another draw of its group finds them', async () => {
    const asked = async (augment: ResolvedConfig['augment']) => {
      const order: string[] = [];
      const features = syntheticFeatures((r) => order.push(`features ${r.items[0]!.path.split('/')[0]}`));
      const precompute = async (r: FeatureRequest) => void order.push(`precompute ${r.items.map((item) => item.path).join(' ')} epoch ${r.epoch} ${r.augment === null ? 'plain' : 'augmented'}`);
      const dataset = syntheticDataset(2, 6);
      await trainVariant({ metric: defaultMetric, config: { ...config({ epochs: 2, batch_size: 8 }), augment }, dataset, features: { ...features, precompute } });
      return { order, validation: dataset.validation.map((item) => item.path) };
    };
    const plain = await asked(augmentPresets.none);
    expect(plain.order.slice(0, 2)).toEqual([
      `precompute ${plain.validation.slice(0, 8).join(' ')} epoch 0 plain`,
      `precompute ${plain.validation.slice(8).join(' ')} epoch 0 plain`,
    ]);
    expect(plain.order.slice(2).some((entry) => entry.startsWith('precompute'))).toBe(false);
    expect(plain.order[2]).toBe('features train');
    expect((await asked(augmentPresets.course)).order.some((entry) => entry.startsWith('precompute'))).toBe(false);
  });

  it('runs steps_per_epoch past the split through further seeded shuffles, each sample its own draw', async () => {
    const trainIds: number[][] = [];
    await trainVariant({
      metric: defaultMetric,
      config: config({ epochs: 1, batch_size: 8, steps_per_epoch: 5 }),
      dataset: syntheticDataset(2, 8),
      features: syntheticFeatures((r) => r.items[0]!.path.startsWith('train/') && trainIds.push([...r.sampleIds])),
    });
    // 40 samples of a 16-image split: two whole shuffles and half of a third.
    const shuffles = [0, 1, 2].flatMap((repeat) => shuffledIndices(16, createRandom(deriveSeed(7, 'order', 1, repeat))).map((item) => item + repeat * 16));
    expect(trainIds).toEqual([0, 1, 2, 3, 4].map((step) => shuffles.slice(step * 8, (step + 1) * 8)));
  });

  it("draws a long epoch's order as it trains: the first step of 100,000 × 128 samples costs no memory for the rest", async () => {
    const controller = new AbortController();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapGrowth = Infinity;
    const run = trainVariant({
      metric: defaultMetric,
      config: config({ epochs: 1, batch_size: 128, steps_per_epoch: 100_000 }),
      dataset: syntheticDataset(2, 8),
      features: syntheticFeatures(),
      onProgress: () => {
        heapGrowth = process.memoryUsage().heapUsed - heapBefore;
        controller.abort();
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ code: 'TLAB_INTERRUPTED' });
    // The whole order up front was 12.8 million samples: over 500 MB of heap before the first step.
    expect(heapGrowth).toBeLessThan(64 * 1024 ** 2);
  });

  it("keeps the evaluated epoch's checkpoint once, through keepCheckpoint, and none with checkpoint: none", async () => {
    const kept: Array<{ epoch: number; names: string[] }> = [];
    const keepCheckpoint = (checkpoint: Checkpoint) => {
      kept.push({ epoch: checkpoint.epoch, names: checkpoint.weights.map((w) => w.name) });
      return { sha256: 'f'.repeat(64), bytes: 1 };
    };
    const run = (checkpoint: 'last' | 'none') =>
      trainVariant({ metric: defaultMetric, config: config({ epochs: 3, checkpoint }, { pooling: 'flatten' }), dataset: syntheticDataset(2, 8), features: syntheticFeatures(), keepCheckpoint });
    const result = await run('last');
    expect(result.checkpoint).toEqual({ sha256: 'f'.repeat(64), bytes: 1 });
    expect(kept).toEqual([{ epoch: 3, names: ['dense/kernel', 'dense/bias', 'output/kernel', 'output/bias'] }]);
    expect((await run('none')).checkpoint).toBeNull();
    expect(kept).toHaveLength(1);
  });

  it('stops early once the monitored metric stops improving', async () => {
    const result = await trainVariant({
      metric: defaultMetric,
      config: config({ epochs: 30, learning_rate: 1e-9, early_stopping: { monitor: 'val_loss', patience: 1, min_delta: 0.1 } }),
      dataset: syntheticDataset(2, 8),
      features: syntheticFeatures(),
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochs).toHaveLength(2);
  });

  it('leaks no tensors across variants', async () => {
    const run = () => trainVariant({ metric: defaultMetric, config: config({ epochs: 1 }, { pooling: 'flatten' }), dataset: syntheticDataset(2, 8), features: syntheticFeatures() });
    await run();
    const before = tf.memory().numTensors;
    await run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    const run = trainVariant({
      metric: defaultMetric,
      config: config({ epochs: 3 }),
      dataset: syntheticDataset(2, 16),
      features: syntheticFeatures(),
      onProgress: (p) => p.step === 2 && controller.abort(),
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ code: 'TLAB_INTERRUPTED' });
  });
});
