import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { atFatalExit, runFatalExitCleanups } from '../errors/fatal-exit.ts';
import { augmentPresets, variantConfigSchema } from '../spec/schema.ts';
import type { ResolvedConfig } from '../spec/schema.ts';
import { openStore } from './open-store.ts';
import { openResultsReader } from './results-reader.ts';
import type { EpochRecord, RunEnvironment, RunResult, Store, VariantInput } from './store-types.ts';

let dir: string;
let file: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-store-'));
  file = path.join(dir, 'results.db');
  store = openStore(file);
});
afterEach(() => {
  vi.useRealTimers();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const baseConfig = variantConfigSchema.parse({ data: { builtin: { name: 'mnist' } }, backbone: { name: 'tiny_cnn' } });
const config: ResolvedConfig = {
  ...baseConfig,
  augment: augmentPresets.none,
  data: { ...baseConfig.data, image_size: [28, 28] },
};

function variant(index: number, dropout = 0.1 * index): VariantInput {
  return {
    id: `v${index}-${dropout}`,
    index,
    params: { 'head.dropout': dropout },
    config: { ...config, head: { ...config.head, dropout } },
    seed: 42 + index,
  };
}

const environment: RunEnvironment = {
  backend: 'cpu',
  threads: 2,
  frozenEngine: 'onnx',
  frozenThreads: 2,
  versions: { '@tensorflow/tfjs': '4.22.0' },
  host: { hostname: 'bench-1', platform: 'linux', cpus: 8, node: 'v20.20.2' },
  datasetFingerprint: 'd'.repeat(64),
  weightsHash: 'w'.repeat(64),
  weightsSource: 'embedded (nsfwjs)',
  skippedFiles: 3,
  featurePrecision: 'float16',
};

function epoch(n: number, valAccuracy = 0.5 + n / 100): EpochRecord {
  return { epoch: n, loss: 1 / n, accuracy: 0.6, valLoss: 1.2 / n, valAccuracy, seconds: 2.5 };
}

const result: RunResult = {
  metrics: { best_val_accuracy: 0.9, final_val_accuracy: 0.85, best_epoch: 2, epochs_run: 3 },
  evaluatedEpoch: 2,
  confusion: { classes: ['cat', 'dog', 'fox'], matrix: [[8, 2, 0], [1, 9, 0], [0, 0, 0]] },
  predictions: [
    { file: '/data/val/cat/1.jpg', sha256: 'a1', label: 0, probabilities: [0.7, 0.2, 0.1] },
    { file: '/data/val/dog/1.jpg', sha256: 'b2', label: 1, probabilities: [0.5, 0.1, 0.4] },
  ],
  checkpoint: { sha256: 'c'.repeat(64), bytes: 1234 },
};

function newExperiment(name = 'dropout-sweep', specHash = 'h1'): number {
  return store.ensureExperiment({ name, specText: `name: ${name}\n# ${specHash}\n`, specHash });
}

function completeRun(runId: string, metrics: Record<string, number> = result.metrics): void {
  store.startRun(runId, environment);
  store.recordEpoch(runId, epoch(1));
  store.finishRun(runId, { ...result, metrics });
}

describe('experiments', () => {
  it('keeps one experiment per name and every distinct spec version it saw', () => {
    const id = newExperiment('a', 'h1');
    expect(newExperiment('a', 'h1')).toBe(id);
    expect(newExperiment('a', 'h2')).toBe(id);
    expect(newExperiment('b', 'h1')).not.toBe(id);
    const versions = store.specVersionsOf(id);
    expect(versions.map((v) => v.specHash)).toEqual(['h1', 'h2']);
    expect(versions[0]?.specText).toBe('name: a\n# h1\n');
  });
});

describe('registerVariants', () => {
  it('inserts new ids as queued with parsed JSON columns', () => {
    const id = newExperiment();
    expect(store.registerVariants(id, [variant(0), variant(1)])).toBe(2);
    const runs = store.runsOf(id);
    expect(runs.map((r) => [r.id, r.index, r.status, r.attempts])).toEqual([
      ['v0-0', 0, 'queued', 0],
      ['v1-0.1', 1, 'queued', 0],
    ]);
    expect(runs[1]).toMatchObject({
      experimentId: id,
      params: { 'head.dropout': 0.1 },
      seed: 43,
      error: null,
      startedAt: null,
      finishedAt: null,
      environment: null,
    });
    expect(runs[1]?.config).toEqual(variant(1).config);
  });

  it('is idempotent and never overwrites an existing run or its results', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0)]);
    completeRun('v0-0');
    const before = store.getRun('v0-0');

    const changed: VariantInput = { ...variant(0), index: 7, params: { 'head.dropout': 0.9 }, seed: 1 };
    expect(store.registerVariants(id, [changed, variant(1)])).toBe(1);
    expect(store.getRun('v0-0')).toEqual(before);
    expect(store.metricsOf('v0-0')).toEqual(result.metrics);
    expect(store.epochsOf('v0-0')).toHaveLength(1);
  });

  it('refuses an id that already belongs to another experiment (TLAB_RUN_ID_CONFLICT)', () => {
    const first = newExperiment('first');
    const second = newExperiment('second');
    store.registerVariants(first, [variant(0)]);
    expect(() => store.registerVariants(second, [variant(1), variant(0)])).toThrow(
      expect.objectContaining({ code: 'TLAB_RUN_ID_CONFLICT' }),
    );
    // the whole batch is one transaction
    expect(store.runsOf(second)).toEqual([]);
  });

  it('enforces foreign keys', () => {
    expect(() => store.registerVariants(999, [variant(0)])).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }),
    );
  });
});

describe('run lifecycle', () => {
  it('records the environment, each epoch, the metrics and the confusion matrix', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0)]);
    store.startRun('v0-0', environment);
    expect(store.getRun('v0-0')).toMatchObject({ status: 'running', attempts: 1, environment, finishedAt: null });
    expect(store.getRun('v0-0')?.startedAt).toEqual(expect.any(String));

    store.recordEpoch('v0-0', epoch(2));
    store.recordEpoch('v0-0', epoch(1));
    // committed as it ends: another connection sees the epoch before the run finishes
    const reader = openStore(file, { readonly: true });
    expect(reader.epochsOf('v0-0')).toEqual([epoch(1), epoch(2)]);
    reader.close();

    store.finishRun('v0-0', result);
    const run = store.getRun('v0-0');
    expect(run).toMatchObject({ status: 'done', error: null });
    expect(run?.finishedAt).toEqual(expect.any(String));
    expect(store.metricsOf('v0-0')).toEqual(result.metrics);
    expect(store.confusionOf('v0-0')).toEqual({ ...result.confusion, perClassAccuracy: [0.8, 0.9, Number.NaN], epoch: 2 });
  });

  it('records the evaluated epoch\'s predictions, each with its predicted class, and the checkpoint it references', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0), variant(1)]);
    completeRun('v0-0');
    expect(store.predictionsOf('v0-0')).toEqual([
      { sample: 0, ...result.predictions[0], predicted: 0 },
      { sample: 1, ...result.predictions[1], predicted: 0 },
    ]);
    expect(store.getRun('v0-0')?.checkpoint).toEqual(result.checkpoint);
    store.startRun('v1-0.1', environment);
    store.finishRun('v1-0.1', { ...result, predictions: [], checkpoint: null });
    expect(store.getRun('v1-0.1')?.checkpoint).toBeNull();
    expect(store.predictionsOf('v1-0.1')).toEqual([]);
    expect(store.checkpoints()).toEqual([{ runId: 'v0-0', ...result.checkpoint }]);
  });

  it('round-trips a diverged NaN loss', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0)]);
    store.startRun('v0-0', environment);
    const diverged = { ...epoch(1), loss: Number.NaN, valLoss: Number.NaN };
    store.recordEpoch('v0-0', diverged);
    expect(store.epochsOf('v0-0')).toEqual([diverged]);
  });

  it('records failures and interruptions', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0), variant(1)]);
    store.startRun('v0-0', environment);
    store.failRun('v0-0', 'Error: layer mixed7 not found');
    store.startRun('v1-0.1', environment);
    store.interruptRun('v1-0.1');
    expect(store.runsOf(id).map((r) => [r.status, r.error, r.finishedAt !== null])).toEqual([
      ['failed', 'Error: layer mixed7 not found', true],
      ['interrupted', null, true],
    ]);
  });

  it('marks its own running runs interrupted on a fatal exit, not another owner\'s (a closed store no longer takes part)', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0), variant(1)]);
    store.startRun('v0-0', environment);
    // Another process's run: its store is not open in this one.
    const other = openStore(file, { owner: 'another-process' });
    other.startRun('v1-0.1', environment);
    other.close();
    const forget = atFatalExit(() => {
      throw new Error('a cleanup that fails is not what the exit reports');
    });
    runFatalExitCleanups();
    forget();
    expect(store.runsOf(id).map((r) => [r.id, r.status, r.lease?.owner ?? null])).toEqual([
      ['v0-0', 'interrupted', null],
      ['v1-0.1', 'running', 'another-process'],
    ]);
  });

  it('never restarts a done run, and refuses writes to a run that is not running (TLAB_RUN_WRONG_STATUS)', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0), variant(1)]);
    completeRun('v0-0');
    const wrongStatus = expect.objectContaining({ code: 'TLAB_RUN_WRONG_STATUS' });
    expect(store.startRun('v0-0', environment)).toBe(false);
    expect(() => store.recordEpoch('v0-0', epoch(5))).toThrow(wrongStatus);
    expect(() => store.recordProgress('v0-0', { epoch: 1, phase: 'train', step: 1, steps: 2, computedImages: 0, epochSeconds: 1 })).toThrow(wrongStatus);
    expect(() => store.failRun('v0-0', 'late')).toThrow(wrongStatus);
    expect(() => store.recordEpoch('v1-0.1', epoch(1))).toThrow(wrongStatus);
    expect(() => store.finishRun('v1-0.1', result)).toThrow(wrongStatus);
    expect(() => store.interruptRun('v1-0.1')).toThrow(wrongStatus);
    expect(store.getRun('v0-0')?.status).toBe('done');
    expect(store.epochsOf('v0-0')).toHaveLength(1);
  });

  it('names an unknown run (TLAB_RUN_NOT_FOUND)', () => {
    expect(() => store.startRun('ghost', environment)).toThrow(
      expect.objectContaining({ code: 'TLAB_RUN_NOT_FOUND', message: expect.stringContaining('ghost') }),
    );
    expect(store.getRun('ghost')).toBeUndefined();
  });

  it('rejects a confusion matrix that does not match its classes (TLAB_CONFUSION_SHAPE)', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0)]);
    store.startRun('v0-0', environment);
    const ragged = { classes: ['cat', 'dog'], matrix: [[1, 0], [0]] };
    expect(() => store.finishRun('v0-0', { ...result, confusion: ragged })).toThrow(
      expect.objectContaining({ code: 'TLAB_CONFUSION_SHAPE' }),
    );
    expect(store.getRun('v0-0')?.status).toBe('running');
  });
});

describe('resuming a sweep', () => {
  it('restarts a crashed attempt from a clean slate', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0)]);
    store.startRun('v0-0', { ...environment, backend: 'wasm' });
    store.recordEpoch('v0-0', epoch(1));
    store.recordEpoch('v0-0', epoch(2));
    store.recordProgress('v0-0', { epoch: 3, phase: 'validate', step: 1, steps: 4, computedImages: 0, epochSeconds: 2 });
    // the process dies here: no finish, fail or interrupt
    const crashed = store.owner;
    store.close();

    store = openStore(file);
    expect(store.runsOf(id).map((r) => [r.id, r.status])).toEqual([['v0-0', 'running']]);
    expect(store.getRun('v0-0')?.lease?.owner).toBe(crashed);
    expect(store.startRun('v0-0', environment)).toBe(false);
    expect(store.expireLeasesOf(crashed)).toBe(1);
    expect(store.startRun('v0-0', environment)).toBe(true);
    expect(store.epochsOf('v0-0')).toEqual([]);
    const reader = openResultsReader(file);
    expect(reader.progress(id, 'best_val_accuracy', { recent: 0, curves: 0 }).running[0]?.progress).toBeNull();
    reader.close();
    expect(store.getRun('v0-0')).toMatchObject({ status: 'running', attempts: 2, environment });
    store.recordEpoch('v0-0', epoch(1, 0.7));
    expect(store.epochsOf('v0-0')).toEqual([epoch(1, 0.7)]);
  });

  it('retries a failed run with its error and epochs cleared', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0)]);
    store.startRun('v0-0', environment);
    store.recordEpoch('v0-0', epoch(1));
    store.failRun('v0-0', 'out of memory');
    store.startRun('v0-0', environment);
    expect(store.getRun('v0-0')).toMatchObject({ status: 'running', error: null, finishedAt: null, attempts: 2 });
    expect(store.epochsOf('v0-0')).toEqual([]);
  });
});

describe('listExperiments', () => {
  it('summarises each experiment in one row: status counts, best run and last activity', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const at = (time: string) => vi.setSystemTime(new Date(time));
    at('2025-01-01T00:00:00.000Z');
    const busy = newExperiment('busy');
    store.registerVariants(busy, [variant(0), variant(1), variant(2), variant(3)]);
    completeRun('v0-0', { best_val_accuracy: 0.7, best_val_loss: 0.4 });
    completeRun('v1-0.1', { best_val_accuracy: 0.9, best_val_loss: 0.6 });
    at('2025-01-02T00:00:00.000Z');
    const idle = newExperiment('idle');
    at('2025-01-03T00:00:00.000Z');
    store.startRun('v2-0.2', environment);
    at('2025-01-04T00:00:00.000Z');
    store.failRun('v2-0.2', 'boom');

    expect(store.listExperiments()).toEqual([
      {
        id: busy,
        name: 'busy',
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        runCount: 4,
        statusCounts: { queued: 1, running: 0, done: 2, failed: 1, interrupted: 0 },
        best: { runId: 'v1-0.1', value: 0.9 },
        lastActivityAt: '2025-01-04T00:00:00.000Z',
      },
      {
        id: idle,
        name: 'idle',
        createdAt: '2025-01-02T00:00:00.000Z',
        updatedAt: '2025-01-02T00:00:00.000Z',
        runCount: 0,
        statusCounts: { queued: 0, running: 0, done: 0, failed: 0, interrupted: 0 },
        best: null,
        lastActivityAt: '2025-01-02T00:00:00.000Z',
      },
    ]);

    const byLoss = store.listExperiments({ metric: 'best_val_loss', goal: 'minimize' }).find((e) => e.name === 'busy');
    expect(byLoss?.best).toEqual({ runId: 'v0-0', value: 0.4 });
  });

  it('skips a NaN metric when ranking', () => {
    const id = newExperiment();
    store.registerVariants(id, [variant(0), variant(1)]);
    completeRun('v0-0', { best_val_accuracy: 0.6 });
    completeRun('v1-0.1', { best_val_accuracy: Number.NaN });
    expect(store.listExperiments()[0]?.best).toEqual({ runId: 'v0-0', value: 0.6 });
    expect(store.metricsOf('v1-0.1')).toEqual({ best_val_accuracy: Number.NaN });
  });

  describe('leases', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('lets one owner at a time run a variant, and another take it over once the lease expires', async () => {
      const id = newExperiment();
      store.registerVariants(id, [variant(0)]);
      const first = openStore(file, { owner: 'first', leaseMs: 100 });
      const second = openStore(file, { owner: 'second', leaseMs: 100 });
      try {
        expect(first.startRun('v0-0', environment)).toBe(true);
        expect(second.startRun('v0-0', environment)).toBe(false);
        first.recordEpoch('v0-0', epoch(1));
        await sleep(150);
        expect(second.startRun('v0-0', environment)).toBe(true);
        expect(second.getRun('v0-0')).toMatchObject({ attempts: 2, lease: { owner: 'second' } });
        expect(second.epochsOf('v0-0')).toEqual([]);
        const lost = expect.objectContaining({ code: 'TLAB_LEASE_LOST', message: expect.stringContaining('second') });
        expect(() => first.recordEpoch('v0-0', epoch(2))).toThrow(lost);
        expect(() => first.finishRun('v0-0', result)).toThrow(lost);
        expect(first.renewLease('v0-0')).toBe(false);
        second.recordEpoch('v0-0', epoch(1));
        second.finishRun('v0-0', result);
        expect(second.getRun('v0-0')).toMatchObject({ status: 'done', lease: null });
      } finally {
        first.close();
        second.close();
      }
    });

    it('abandons a run left running only while its lease is still the one seen, in one transaction', () => {
      const id = newExperiment();
      store.registerVariants(id, [variant(0), variant(1), variant(2)]);
      const gone = openStore(file, { owner: 'gone:1:dead', leaseMs: 60_000 });
      try {
        for (const runId of ['v0-0', 'v1-0.1', 'v2-0.2']) gone.startRun(runId, environment);
        const seen = ['v0-0', 'v1-0.1', 'v2-0.2'].map((runId) => ({ runId, lease: store.getRun(runId)!.lease }));
        // Since seen: v1 was renewed by its owner, v2 finished; neither may be touched.
        gone.renewLease('v1-0.1');
        gone.recordEpoch('v2-0.2', epoch(1));
        gone.finishRun('v2-0.2', result);
        const stillSeen = seen.map((run) => (run.runId === 'v1-0.1' ? { ...run, lease: { owner: 'gone:1:dead', expiresAt: 1 } } : run));
        expect(store.abandonRuns(stillSeen)).toEqual(['v0-0']);
        expect(store.getRun('v0-0')).toMatchObject({ status: 'interrupted', lease: null, finishedAt: expect.any(String) });
        expect(store.getRun('v1-0.1')).toMatchObject({ status: 'running', lease: { owner: 'gone:1:dead' } });
        expect(store.getRun('v2-0.2')).toMatchObject({ status: 'done' });
        // Abandoned means the next sweep restarts it, as after Ctrl-C.
        expect(store.startRun('v0-0', environment)).toBe(true);
      } finally {
        gone.close();
      }
      const reader = openStore(file, { readonly: true });
      expect(() => reader.abandonRuns([])).toThrow(expect.objectContaining({ code: 'TLAB_DB_READONLY' }));
      reader.close();
    });

    it('keeps a renewed lease past its first expiry', async () => {
      const id = newExperiment();
      store.registerVariants(id, [variant(0)]);
      const holder = openStore(file, { owner: 'holder', leaseMs: 120 });
      const other = openStore(file, { owner: 'other', leaseMs: 120 });
      try {
        holder.startRun('v0-0', environment);
        await sleep(70);
        expect(holder.renewLease('v0-0')).toBe(true);
        await sleep(70);
        expect(other.startRun('v0-0', environment)).toBe(false);
      } finally {
        holder.close();
        other.close();
      }
    });
  });
});
