import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { createRandom, deriveSeed, expandSweep, openStore, parseSpec, variantId } from '@tlab/core';

/** 500 settings × 20 seeds: a sweep far bigger than anyone trains, so the UI's queries show their cost. */
export const largeSpecText = `name: large-ablation
seed: 42
metric: { name: val_accuracy, goal: maximize }
data: { builtin: { name: mnist }, image_size: 75 }
backbone: { name: inception_v3, cutoff: mixed7 }
head: { pooling: avg, units: 256, dropout: 0.2 }
train: { optimizer: rmsprop, learning_rate: 0.001, batch_size: 20, epochs: 20 }
augment: none
sweep:
  method: grid
  parameters:
    backbone.cutoff: { values: [mixed3, mixed4, mixed5, mixed6, mixed7] }
    head.dropout: { values: [0.0, 0.1, 0.2, 0.3, 0.5] }
    train.learning_rate: { values: [0.0001, 0.0003, 0.001, 0.003] }
    head.units: { values: [64, 128, 256, 512, 1024] }
    seed: { values: [${Array.from({ length: 20 }, (_, i) => i + 1).join(', ')}] }
`;

const epochsPerRun = 20;

/**
 * Writes the variants of `largeSpecText` as if a sweep had trained them all (a few failed), with
 * made-up curves. Rows go in through plain inserts in one transaction, into a file `openStore`
 * created, so the schema is the real one and writing takes seconds, not a training run each.
 */
export function writeLargeResultsDb(file: string): { runs: number; epochs: number } {
  openStore(file).close();
  const loaded = parseSpec(largeSpecText, 'large-ablation.yaml');
  const { variants } = expandSweep(loaded);
  const db = new Database(file);
  const now = new Date('2026-01-01T00:00:00Z').getTime();
  const stamp = (seconds: number): string => new Date(now + seconds * 1000).toISOString();
  const insert = {
    experiment: db.prepare('INSERT INTO experiments (name, created_at, updated_at) VALUES (?, ?, ?)'),
    spec: db.prepare('INSERT INTO spec_versions (experiment_id, spec_hash, spec_text, first_seen_at) VALUES (?, ?, ?, ?)'),
    run: db.prepare(
      `INSERT INTO runs (id, experiment_id, variant_index, params, config, seed, status, error, created_at, started_at, finished_at,
         attempts, backend, threads, versions, host, dataset_fingerprint, weights_hash, skipped_files)
       VALUES (@id, @experiment, @index, @params, @config, @seed, @status, @error, @created, @started, @finished,
         1, 'tensorflow', 8, '{"tfjs":"4.22.0"}', '{"hostname":"bench","platform":"linux-x64","cpus":8,"node":"v20"}', @fingerprint, @weights, 0)`,
    ),
    epoch: db.prepare('INSERT INTO epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    metric: db.prepare('INSERT INTO metrics (run_id, key, value) VALUES (?, ?, ?)'),
    confusion: db.prepare('INSERT INTO confusions (run_id, classes, matrix, per_class_accuracy) VALUES (?, ?, ?, ?)'),
  };
  const fingerprint = createHash('sha256').update('mnist').digest('hex');
  const weights = createHash('sha256').update('inception_v3').digest('hex');
  db.transaction(() => {
    const experiment = Number(insert.experiment.run(loaded.spec.name, stamp(0), stamp(0)).lastInsertRowid);
    insert.spec.run(experiment, loaded.specHash, loaded.text, stamp(0));
    for (const variant of variants) {
      const id = variantId({ experiment: loaded.spec.name, config: variant.config, datasetFingerprint: fingerprint, weightsHash: weights });
      const random = createRandom(deriveSeed(7, 'bench', variant.index));
      const failed = random.next() < 0.01;
      const cutoff = Number(variant.config.backbone.cutoff.slice('mixed'.length));
      const ceiling = 0.7 + cutoff * 0.03 - Math.abs(variant.config.head.dropout - 0.2) * 0.2 + random.uniform(-0.02, 0.02);
      const started = variant.index * 60;
      const history = Array.from({ length: epochsPerRun }, (_, e) => {
        const progress = 1 - Math.exp(-(e + 1) / 4);
        return { loss: 1.2 - progress, accuracy: ceiling * progress + 0.05, valLoss: 1.3 - progress * 0.9, valAccuracy: ceiling * progress };
      });
      insert.run.run({
        id,
        experiment,
        index: variant.index,
        params: JSON.stringify(variant.params),
        config: JSON.stringify(variant.config),
        seed: variant.config.seed,
        status: failed ? 'failed' : 'done',
        error: failed ? 'TLAB_NON_FINITE_LOSS: the loss became NaN at epoch 3' : null,
        created: stamp(0),
        started: stamp(started),
        finished: stamp(started + 55),
        fingerprint,
        weights,
      });
      const epochs = failed ? history.slice(0, 3) : history;
      epochs.forEach((h, e) => insert.epoch.run(id, e + 1, h.loss, h.accuracy, h.valLoss, h.valAccuracy, 2.5));
      if (failed) continue;
      const best = epochs.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
      const last = epochs[epochs.length - 1]!;
      const metrics = {
        best_val_accuracy: best.valAccuracy,
        best_epoch: epochs.indexOf(best) + 1,
        final_val_accuracy: last.valAccuracy,
        final_val_loss: last.valLoss,
        best_val_loss: Math.min(...epochs.map((h) => h.valLoss)),
        final_accuracy: last.accuracy,
        final_loss: last.loss,
        epochs_run: epochs.length,
        wall_seconds: 55,
        train_seconds: 50,
        train_images_per_second: 400,
      };
      for (const [key, value] of Object.entries(metrics)) insert.metric.run(id, key, value);
      insert.confusion.run(id, '["0","1"]', '[[40,10],[5,45]]', '[0.8,0.9]');
    }
  })();
  db.close();
  return { runs: variants.length, epochs: variants.length * epochsPerRun };
}
