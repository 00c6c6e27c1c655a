import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backbone } from '../backbones/backbone.ts';
import type { Dataset, DatasetItem } from '../data/dataset.ts';
import { selectBackend } from '../engine/select-backend.ts';
import { createRandom, deriveSeed } from '../random/seeded-random.ts';
import { augmentPresets, type ResolvedConfig } from '../spec/schema.ts';
import type { LoadBatchOptions } from './train-variant.ts';
import { trainVariant } from './train-variant.ts';

const size: [number, number] = [8, 8];

/** Class k images are noisy planes of brightness (k+1)/(classes+1): separable, but not trivially. */
function syntheticDataset(classes: number, perClass: number): Dataset {
  const items = (split: string): DatasetItem[] =>
    Array.from({ length: classes * perClass }, (_, i) => ({ path: `${split}/${i % classes}/${i}.png`, label: i % classes }));
  return {
    classes: Array.from({ length: classes }, (_, k) => `class${k}`),
    train: items('train'),
    validation: items('validation'),
    fingerprint: 'synthetic',
    skipped: [],
  };
}

async function loadSynthetic(items: readonly DatasetItem[], options: LoadBatchOptions) {
  const pixelsPerImage = options.imageSize[0] * options.imageSize[1] * 3;
  const pixels = new Float32Array(items.length * pixelsPerImage);
  items.forEach((item, i) => {
    const classes = Number(item.path.split('/')[1]) + 1;
    const random = createRandom(deriveSeed(options.seed, item.path, options.augment ? options.epoch : 0));
    for (let p = 0; p < pixelsPerImage; p++) pixels[i * pixelsPerImage + p] = classes / 4 + random.uniform(-0.2, 0.2);
  });
  return { pixels, labels: Int32Array.from(items.map((it) => it.label)), size: items.length };
}

function tinyBackbone(): Backbone {
  const input = tf.input({ shape: [...size, 3] });
  const conv = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'conv' })
    .apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: conv });
  model.trainable = false;
  return { name: 'test', cutoff: 'conv', model, featureShape: [8, 8, 4], weightsHash: 'test', dispose: () => model.dispose() };
}

function config(overrides: Partial<ResolvedConfig['train']> = {}, head: Partial<ResolvedConfig['head']> = {}): ResolvedConfig {
  return {
    seed: 7,
    data: { train: 'unused', image_size: size, rescale: 1 },
    backbone: { name: 'tiny_cnn', cutoff: 'conv' },
    head: { pooling: 'avg', units: 16, activation: 'relu', dropout: 0.2, ...head },
    train: { optimizer: 'adam', learning_rate: 0.01, batch_size: 8, epochs: 4, ...overrides },
    augment: augmentPresets.none,
  };
}

describe('trainVariant', () => {
  let backbone: Backbone;
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
    backbone = tinyBackbone();
  });
  afterAll(() => backbone.dispose());

  it('learns a separable binary task and reports per-epoch train and validation metrics', async () => {
    const epochs: number[] = [];
    const result = await trainVariant({
      config: config({ epochs: 10, learning_rate: 0.05 }),
      backbone,
      dataset: syntheticDataset(2, 16),
      loadImageBatch: loadSynthetic,
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

  it('gives identical numbers for the same seed, different ones for another seed', async () => {
    const run = (seed: number) =>
      trainVariant({ config: { ...config({ epochs: 2 }), seed }, backbone, dataset: syntheticDataset(3, 8), loadImageBatch: loadSynthetic });
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    expect(b.epochs.map(({ seconds: _, ...m }) => m)).toEqual(a.epochs.map(({ seconds: _, ...m }) => m));
    expect(c.epochs[0]!.loss).not.toBe(a.epochs[0]!.loss);
  });

  it('memoises un-augmented features: the backbone sees each image once per run', async () => {
    let loaded = 0;
    const counting = (items: readonly DatasetItem[], options: LoadBatchOptions) => {
      loaded += items.length;
      return loadSynthetic(items, options);
    };
    await trainVariant({ config: config({ epochs: 3 }), backbone, dataset: syntheticDataset(2, 8), loadImageBatch: counting });
    expect(loaded).toBe(16 + 16);
  });

  it('stops early once the monitored metric stops improving', async () => {
    const result = await trainVariant({
      config: config({ epochs: 30, learning_rate: 1e-9, early_stopping: { monitor: 'val_loss', patience: 1, min_delta: 0.1 } }),
      backbone,
      dataset: syntheticDataset(2, 8),
      loadImageBatch: loadSynthetic,
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochs).toHaveLength(2);
  });

  it('leaks no tensors across variants', async () => {
    const run = () =>
      trainVariant({ config: config({ epochs: 1 }, { pooling: 'flatten' }), backbone, dataset: syntheticDataset(2, 8), loadImageBatch: loadSynthetic });
    await run();
    const before = tf.memory().numTensors;
    await run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    const run = trainVariant({
      config: config({ epochs: 3 }),
      backbone,
      dataset: syntheticDataset(2, 16),
      loadImageBatch: loadSynthetic,
      onProgress: (p) => p.step === 2 && controller.abort(),
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ code: 'TLAB_INTERRUPTED' });
  });
});
