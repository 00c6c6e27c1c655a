import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { expandSweep, openResultsReader, openStore, parseSpec, specFacts, type ResultsReader, type RunEnvironment, type SamplePrediction, type Store } from '@tlab/core';
import { writePng } from '@tlab/core/testing';

export const hostileName = '<script>alert(1)</script>';
export const hostileCutoff = '<img src=x onerror=alert(2)>';
/** Ends a script element if it were ever printed raw into one. */
export const hostileError = 'diverged </script><script>alert(3)</script>';

/** cutoff × dropout × seed, with the spec's base values (block2, 0.2) among the levels. */
const ablationSpec = `name: cutoff-vs-dropout
description: Does <b>dropout</b> help a deep cutoff?
seed: 1
metric: { name: val_accuracy, goal: maximize }
data: { builtin: { name: mnist } }
backbone: { name: tiny_cnn, cutoff: block2 }
head: { dropout: 0.2 }
train: { epochs: 3 }
augment: none
sweep:
  parameters:
    backbone.cutoff: { values: [block1, block2] }
    head.dropout: { values: [0.0, 0.2, 0.5] }
    seed: { values: [1, 2] }
`;

const hostileSpec = `name: ${JSON.stringify(hostileName)}
data: { builtin: { name: mnist } }
backbone: { name: tiny_cnn }
train: { epochs: 2 }
sweep:
  parameters:
    backbone.cutoff: { values: [${JSON.stringify(hostileCutoff)}, block2] }
`;

const environment: RunEnvironment = {
  backend: 'cpu',
  threads: 2,
  frozenEngine: 'tfjs',
  frozenThreads: 2,
  versions: { '@tensorflow/tfjs': '4.22.0' },
  host: { hostname: 'test-host', platform: 'linux-x64', cpus: 2, node: 'v20' },
  datasetFingerprint: 'f'.repeat(64),
  weightsHash: 'a'.repeat(64),
  weightsSource: 'embedded (nsfwjs)',
  skippedFiles: 0,
  featurePrecision: 'float16',
};

/** The metric a variant reaches: block2 beats block1, dropout 0.2 is best, seed 2 a little lower. */
function expectedBest(params: Record<string, unknown>): number {
  const cutoff = params['backbone.cutoff'] === 'block2' ? 0.1 : 0;
  const dropout = { 0: 0, 0.2: 0.05, 0.5: -0.05 }[params['head.dropout'] as 0 | 0.2 | 0.5] ?? 0;
  return 0.7 + cutoff + dropout - (params['seed'] === 2 ? 0.02 : 0);
}

export interface SampleResults {
  readonly file: string;
  readonly experimentId: number;
  readonly hostileExperimentId: number;
  /** Variant ids of cutoff-vs-dropout, by variant index. */
  readonly runIds: readonly string[];
  /** The run whose validation predictions are stored: two of its four images are misclassified. */
  readonly predictedId: string;
  /** Its validation images, as stored: cat/0 right, cat/1 called dog, dog/0 called cat, dog/1 right. */
  readonly predictions: readonly SamplePrediction[];
  /** The one that failed (with hostileError), the one still running, the one still queued. */
  readonly failedId: string;
  readonly runningId: string;
  readonly queuedId: string;
  /** A writer on the same file, for tests that change the DB under the app. */
  readonly writer: Store;
  openReader(): ResultsReader;
  cleanup(): void;
}

/**
 * A results DB written through the real store: the variants come from expanding real specs, so
 * params and configs are what a sweep would store. Of the 12 cutoff-vs-dropout variants, 9 are
 * done, one failed, one is running (two epochs in), one is queued.
 */
export function createSampleResults(): SampleResults {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tlab-ui-test-'));
  const file = path.join(dir, 'tlab.db');
  const writer = openStore(file);
  const predictions = writeValidationImages(dir);
  const main = register(writer, ablationSpec);
  const [failedId, runningId, queuedId] = [main.ids[9]!, main.ids[10]!, main.ids[11]!];
  main.ids.forEach((id, index) => {
    if (id === queuedId) return;
    writer.startRun(id, environment);
    const best = expectedBest(main.params[index]!);
    for (let epoch = 1; epoch <= (id === runningId ? 2 : 3); epoch++) {
      const valAccuracy = epoch === 2 ? best : best - 0.05 * (epoch === 1 ? 2 : 1);
      writer.recordEpoch(id, { epoch, loss: 1 / epoch, accuracy: 0.5 + 0.15 * epoch, valLoss: 1.1 / epoch, valAccuracy, seconds: 1.5 });
    }
    if (id === runningId) return;
    if (id === failedId) {
      writer.failRun(id, hostileError);
      return;
    }
    writer.finishRun(id, {
      metrics: { best_val_accuracy: best, best_epoch: 2, final_val_accuracy: best - 0.05, final_val_loss: 0.37, epochs_run: 3, wall_seconds: 4.5 + index, train_seconds: 4.5 + index },
      evaluatedEpoch: 2,
      confusion: { classes: ['cat', 'dog'], matrix: [[9, 1], [2, 8]] },
      predictions: index === 8 ? predictions : [],
      checkpoint: null,
    });
  });

  const hostileExperimentId = addFinishedExperiment(writer, hostileSpec, () => 0.55, [hostileName, 'b']);

  return {
    file,
    experimentId: main.experimentId,
    hostileExperimentId,
    runIds: main.ids,
    predictedId: main.ids[8]!,
    predictions,
    failedId,
    runningId,
    queuedId,
    writer,
    openReader: () => openResultsReader(file),
    cleanup() {
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers a spec's variants as a sweep would and finishes each after one epoch with
 * `valAccuracy(params)`: the hostile experiment, or one a test adds for itself through `writer`.
 */
export function addFinishedExperiment(writer: Store, specText: string, valAccuracy: (params: Record<string, unknown>) => number, classes = ['a', 'b']): number {
  const { experimentId, ids, params } = register(writer, specText);
  ids.forEach((id, index) => {
    const value = valAccuracy(params[index]!);
    writer.startRun(id, environment);
    writer.recordEpoch(id, { epoch: 1, loss: 0.9, accuracy: 0.6, valLoss: 0.95, valAccuracy: value, seconds: 1 });
    writer.finishRun(id, {
      metrics: { best_val_accuracy: value, best_epoch: 1, final_val_accuracy: value, epochs_run: 1, wall_seconds: 2, train_seconds: 2 },
      evaluatedEpoch: 1,
      confusion: { classes, matrix: [[1, 0], [0, 1]] },
      predictions: [],
      checkpoint: null,
    });
  });
  return experimentId;
}

function register(writer: Store, specText: string): { experimentId: number; ids: string[]; params: Record<string, unknown>[] } {
  const loaded = parseSpec(specText, 'spec.yaml');
  const experimentId = writer.ensureExperiment({ name: loaded.spec.name, specText, specHash: loaded.specHash, facts: specFacts(loaded.spec) });
  const variants = expandSweep(loaded).variants.map((v) => ({
    id: createHash('sha256').update(`${loaded.spec.name}/${v.index}`).digest('hex').slice(0, 16),
    index: v.index,
    params: v.params,
    config: v.config,
    seed: v.config.seed,
  }));
  writer.registerVariants(experimentId, variants);
  return { experimentId, ids: variants.map((v) => v.id), params: variants.map((v) => v.params) };
}

/** Four 8×8 PNGs under `<dir>/validation/<class>/`, with what a run predicted for them. */
function writeValidationImages(dir: string): SamplePrediction[] {
  const cases = [
    ['cat', 0, [0.9, 0.1], [200, 40, 40]],
    ['cat', 1, [0.3, 0.7], [190, 60, 50]],
    ['dog', 0, [0.6, 0.4], [40, 40, 200]],
    ['dog', 1, [0.2, 0.8], [50, 60, 190]],
  ] as const;
  return cases.map(([label, n, probabilities, [r, g, b]]) => {
    const folder = path.join(dir, 'validation', label);
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${n}.png`);
    writePng(file, 8, 8, () => [r, g, b]);
    return { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), label: label === 'cat' ? 0 : 1, probabilities };
  });
}
