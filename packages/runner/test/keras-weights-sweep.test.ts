import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@tlab/core';
import { sharedDataset, sharedPath } from '@tlab/core/testing';
import { defaultRunSettings } from '../src/settings/run-settings.ts';
import { runSweep } from '../src/sweep/run-sweep.ts';
import { recordingReporter } from './tiny-experiment.ts';

const horses = sharedDataset('horse-or-human');
const mobilenetH5 = sharedPath('fixtures/keras-h5/mobilenet_2_5_224_tf_no_top.h5');
const sharedWeights = sharedPath('weights');

/** A horse-or-human sweep (20 images per class and split) in a fresh workspace; the store's runs after it. */
async function sweepHorses(backbone: string, options: { parameters?: string; weightsDir?: string } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tlab-keras-weights-'));
  const spec = path.join(dir, 'spec.yaml');
  writeFileSync(
    spec,
    `name: keras-weights
seed: 1
data: { root: ${JSON.stringify(horses)}, train: train, validation: validation, image_size: 128, max_per_class: 20 }
backbone: ${backbone}
head: { pooling: avg, units: 32, dropout: 0.2 }
train: { optimizer: adam, learning_rate: 0.001, batch_size: 10, epochs: 2 }
augment: none
${options.parameters ?? ''}`,
  );
  const db = path.join(dir, 'tlab.db');
  const reporter = recordingReporter();
  const outcome = await runSweep({
    specFile: spec,
    dbFile: db,
    cacheDir: path.join(dir, 'cache'),
    reporter,
    settings: { ...defaultRunSettings(), weights: { ...defaultRunSettings().weights, weightsDir: options.weightsDir } },
  });
  const store = openStore(db, { readonly: true });
  const runs = store.runsOf(store.listExperiments()[0]!.id).map((run) => ({ ...run, epochs: store.epochsOf(run.id) }));
  store.close();
  return { outcome, runs, failed: reporter.events.failed };
}

describe.skipIf(horses === undefined || mobilenetH5 === undefined)('a sweep on a Keras weight file (needs ../shared/datasets and ../shared/fixtures)', () => {
  it('trains a head on the keras.applications MobileNet 0.25 h5 and records the file and its hash (needs ../shared/datasets and ../shared/fixtures)', async () => {
    const { outcome, runs, failed } = await sweepHorses(`{ name: mobilenet, alpha: 0.25, weights: ${JSON.stringify(mobilenetH5)}, cutoff: conv_pw_13_relu }`);
    expect(failed).toEqual([]);
    expect(outcome).toEqual({ trained: 1, skipped: 0, failed: 0 });
    const [run] = runs;
    expect(run!.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(run!.epochs.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.valAccuracy))).toBe(true);
    expect(run!.environment?.weightsSource).toBe(mobilenetH5);
    expect(run!.environment?.weightsHash).toBe(createHash('sha256').update(readFileSync(mobilenetH5!)).digest('hex'));
  });
});

describe.skipIf(horses === undefined || sharedWeights === undefined)('weights: imagenet against embedded (needs ../shared/datasets and ../shared/weights)', () => {
  it('finds imagenet in the weights folder, and keeps it apart from embedded in ids, hashes and records (needs ../shared/datasets and ../shared/weights)', async () => {
    const { outcome, runs } = await sweepHorses('{ name: inception_v3, cutoff: mixed5 }', {
      weightsDir: sharedWeights,
      parameters: 'sweep: { parameters: { backbone.weights: { values: [imagenet, embedded] } } }',
    });
    expect(outcome).toEqual({ trained: 2, skipped: 0, failed: 0 });
    const [imagenet, embedded] = runs;
    expect(imagenet!.config.backbone.weights).toBe('imagenet');
    expect(imagenet!.environment?.weightsSource).toBe('imagenet (tfjs)');
    expect(embedded!.environment?.weightsSource).toBe('embedded (nsfwjs)');
    expect(imagenet!.environment?.weightsHash).not.toBe(embedded!.environment?.weightsHash);
    expect(imagenet!.epochs.map((e) => e.valAccuracy)).not.toEqual(embedded!.epochs.map((e) => e.valAccuracy));
  });
});
