import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { augmentPresets, variantConfigSchema, type ResolvedConfig } from '../spec/schema.ts';
import type { LeaderboardQuery } from './leaderboard-query.ts';
import { openStore } from './open-store.ts';
import { openResultsReader, type ResultsReader } from './results-reader.ts';
import type { RunEnvironment, Store } from './store-types.ts';

let dir: string;
let file: string;
let writer: Store;
let reader: ResultsReader | undefined;
let experimentId: number;

const baseConfig = variantConfigSchema.parse({ data: { builtin: { name: 'mnist' } }, backbone: { name: 'tiny_cnn' } });
const environment: RunEnvironment = {
  backend: 'cpu',
  threads: 1,
  frozenEngine: 'tfjs',
  frozenThreads: 1,
  versions: {},
  host: { hostname: 'h', platform: 'linux', cpus: 1, node: 'v20' },
  datasetFingerprint: 'd'.repeat(64),
  weightsHash: 'w'.repeat(64),
  weightsSource: 'embedded (nsfwjs)',
  skippedFiles: 0,
  featurePrecision: 'float16',
};

/** dropout × augment × seed; `best` is what each run reports as best_val_accuracy. */
const grid = [
  { dropout: 0, augment: 'none', seed: 1, best: 0.8 },
  { dropout: 0, augment: 'none', seed: 2, best: 0.7 },
  { dropout: 0, augment: 'light', seed: 1, best: 0.9 },
  { dropout: 0, augment: 'light', seed: 2, best: 0.95 },
  { dropout: 0.5, augment: 'none', seed: 1, best: 0.6 },
  { dropout: 0.5, augment: 'none', seed: 2, best: null },
  { dropout: 0.5, augment: 'light', seed: 1, best: 0.5 },
  { dropout: 0.5, augment: 'light', seed: 2, best: 0.55 },
] as const;

const idOf = (index: number): string => `run${index}`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-results-'));
  file = path.join(dir, 'results.db');
  writer = openStore(file);
  experimentId = writer.ensureExperiment({ name: 'ablation', specText: 'name: ablation\n', specHash: 'h1' });
  writer.registerVariants(
    experimentId,
    grid.map((g, index) => {
      const config: ResolvedConfig = {
        ...baseConfig,
        seed: g.seed,
        head: { ...baseConfig.head, dropout: g.dropout },
        augment: augmentPresets[g.augment],
        data: { ...baseConfig.data, image_size: [28, 28] },
      };
      return { id: idOf(index), index, params: { 'head.dropout': g.dropout, augment: g.augment, seed: g.seed }, config, seed: g.seed };
    }),
  );
  grid.forEach((g, index) => {
    const id = idOf(index);
    writer.startRun(id, environment);
    writer.recordEpoch(id, { epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1 });
    if (g.best === null) {
      writer.failRun(id, 'the loss became NaN');
      return;
    }
    writer.finishRun(id, {
      metrics: { best_val_accuracy: g.best, final_val_accuracy: g.best - 0.1, epochs_run: 1, wall_seconds: 10 + index, train_seconds: 10 + index },
      evaluatedEpoch: 1,
      confusion: { classes: ['a', 'b'], matrix: [[1, 0], [0, 1]] },
      predictions: [],
      checkpoint: null,
    });
  });
});

afterEach(() => {
  reader?.close();
  reader = undefined;
  writer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(): ResultsReader {
  reader = openResultsReader(file);
  return reader;
}

function query(overrides: Partial<LeaderboardQuery> = {}): LeaderboardQuery {
  return {
    experimentId,
    finalKey: 'final_val_accuracy',
    bestKey: 'best_val_accuracy',
    groupSeeds: false,
    sort: 'best',
    descending: true,
    filters: [],
    limit: 50,
    offset: 0,
    ...overrides,
  };
}

describe('openResultsReader', () => {
  it('finds experiments by id and the swept keys in spec order', () => {
    const results = open();
    expect(results.experiment(experimentId)).toMatchObject({ id: experimentId, name: 'ablation' });
    expect(results.experiment(999)).toBeUndefined();
    expect(results.paramKeys(experimentId)).toEqual(['head.dropout', 'augment', 'seed']);
    expect(results.getRun('run0')?.status).toBe('done');
  });

  it('never changes the DB file, temporary tables included', () => {
    writer.close();
    const hash = (): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const before = hash();
    const results = open();
    results.leaderboard(query({ groupSeeds: true }));
    results.progress(experimentId, 'best_val_accuracy', { recent: 5, curves: 5 });
    results.close();
    reader = undefined;
    expect(hash()).toBe(before);
    writer = openStore(file);
  });
});

describe('leaderboard, one row per run', () => {
  it('sorts by a metric with missing values last, in either direction', () => {
    const results = open();
    const descending = results.leaderboard(query());
    expect(descending.total).toBe(8);
    expect(descending.rows.map((r) => r.id)).toEqual(['run3', 'run2', 'run0', 'run1', 'run4', 'run7', 'run6', 'run5']);
    expect(results.leaderboard(query({ descending: false })).rows.map((r) => r.id).at(-1)).toBe('run5');
  });

  it('returns each row with its params, metrics, epochs, wall time and status', () => {
    const [row] = open().leaderboard(query({ limit: 1 })).rows;
    expect(row).toEqual({
      id: 'run3',
      members: [{ id: 'run3', seed: 2, status: 'done' }],
      // Variant 3 in the store is number 4 in tlab sweep's table, and on the leaderboard.
      index: 4,
      params: { 'head.dropout': 0, augment: 'light', seed: 2 },
      seed: 2,
      status: 'done',
      n: 1,
      final: { mean: expect.closeTo(0.85), std: null },
      best: { mean: 0.95, std: null },
      epochs: 1,
      trainSeconds: 13,
      metrics: {},
    });
  });

  it('counts the epochs recorded so far for a run without metrics', () => {
    const failed = open().leaderboard(query({ filters: [{ column: 'status', operator: '=', value: 'failed' }] }));
    expect(failed.rows.map((r) => [r.id, r.epochs, r.best.mean])).toEqual([['run5', 1, null]]);
  });

  it('sorts by a swept parameter, ties broken by variant order', () => {
    const rows = open().leaderboard(query({ sort: 'param:augment', descending: false })).rows;
    expect(rows.map((r) => r.id)).toEqual(['run2', 'run3', 'run6', 'run7', 'run0', 'run1', 'run4', 'run5']);
  });

  it('filters by parameters and metrics, all filters applying together', () => {
    const results = open();
    const ids = (filters: LeaderboardQuery['filters']): string[] => results.leaderboard(query({ filters, sort: 'index', descending: false })).rows.map((r) => r.id);
    expect(ids([{ column: 'param:head.dropout', operator: '=', value: 0.5 }])).toEqual(['run4', 'run5', 'run6', 'run7']);
    expect(ids([{ column: 'param:augment', operator: '!=', value: 'none' }, { column: 'best', operator: '>=', value: 0.9 }])).toEqual(['run2', 'run3']);
    expect(ids([{ column: 'best', operator: '=', value: null }])).toEqual(['run5']);
    expect(ids([{ column: 'param:not.swept', operator: '=', value: null }])).toHaveLength(8);
    expect(ids([{ column: 'time', operator: '<', value: 12 }])).toEqual(['run0', 'run1']);
  });

  it('returns, sorts and filters by any stored metric asked for', () => {
    const results = open();
    expect(results.metricKeys(experimentId)).toEqual(['best_val_accuracy', 'epochs_run', 'final_val_accuracy', 'train_seconds', 'wall_seconds']);
    const board = results.leaderboard(query({ metricKeys: ['wall_seconds'], sort: 'metric:wall_seconds', descending: true, limit: 2 }));
    expect(board.rows.map((r) => [r.id, r.metrics])).toEqual([
      ['run7', { wall_seconds: { mean: 17, std: null } }],
      ['run6', { wall_seconds: { mean: 16, std: null } }],
    ]);
    // A metric the sort or a filter names comes back without being asked for.
    const filtered = results.leaderboard(query({ filters: [{ column: 'metric:wall_seconds', operator: '<', value: 12 }], sort: 'index', descending: false }));
    expect(filtered.rows.map((r) => [r.id, r.metrics['wall_seconds']?.mean])).toEqual([
      ['run0', 10],
      ['run1', 11],
    ]);
    expect(results.leaderboard(query({ metricKeys: ['never_stored'], limit: 1 })).rows[0]?.metrics).toEqual({ never_stored: { mean: null, std: null } });
  });

  it('matches the run id by its start, ignoring case', () => {
    const results = open();
    const ids = (value: string, operator: '=' | '!=' = '='): string[] =>
      results.leaderboard(query({ filters: [{ column: 'id', operator, value }], sort: 'index', descending: false, limit: null })).rows.map((r) => r.id);
    expect(ids('RUN3')).toEqual(['run3']);
    expect(ids('Ru')).toHaveLength(8);
    expect(ids('un3')).toEqual([]);
    expect(ids('run3', '!=')).toEqual(['run0', 'run1', 'run2', 'run4', 'run5', 'run6', 'run7']);
  });

  it('compares text ignoring case, for statuses and swept values alike', () => {
    const results = open();
    const total = (filters: LeaderboardQuery['filters']): number => results.leaderboard(query({ filters })).total;
    expect(total([{ column: 'status', operator: '=', value: 'DONE' }])).toBe(7);
    expect(total([{ column: 'status', operator: '!=', value: 'Done' }])).toBe(1);
    expect(total([{ column: 'param:augment', operator: '=', value: 'Light' }])).toBe(4);
    expect(total([{ column: 'param:augment', operator: '!=', value: 'LIGHT' }])).toBe(4);
  });

  it('treats hostile filter values and parameter keys as data, not SQL', () => {
    const results = open();
    const hostile = `x' OR 1=1 --`;
    expect(results.leaderboard(query({ filters: [{ column: 'param:augment', operator: '=', value: hostile }] })).total).toBe(0);
    expect(results.leaderboard(query({ filters: [{ column: `param:${hostile}`, operator: '!=', value: null }] })).total).toBe(0);
    expect(results.leaderboard(query({ sort: `param:"); DROP TABLE runs; --` })).total).toBe(8);
    expect(results.leaderboard(query({ sort: `metric:' OR 1=1 --`, metricKeys: [hostile] })).rows[0]?.metrics).toEqual({
      [hostile]: { mean: null, std: null },
      [`' OR 1=1 --`]: { mean: null, std: null },
    });
  });

  it('pages in SQL and still counts the matches past the last page', () => {
    const results = open();
    const second = results.leaderboard(query({ limit: 3, offset: 3 }));
    expect(second).toMatchObject({ total: 8 });
    expect(second.rows.map((r) => r.id)).toEqual(['run1', 'run4', 'run7']);
    expect(results.leaderboard(query({ limit: 3, offset: 30 }))).toEqual({ total: 8, rows: [] });
    expect(results.leaderboard(query({ limit: null })).rows).toHaveLength(8);
  });
});

describe('leaderboard, one row per seed group', () => {
  it('averages the seeds of each setting with their sample standard deviation', () => {
    const rows = open().leaderboard(query({ groupSeeds: true })).rows;
    expect(rows.map((r) => [r.params, r.n, r.best.mean, r.best.std])).toEqual([
      [{ 'head.dropout': 0, augment: 'light' }, 2, expect.closeTo(0.925), expect.closeTo(Math.SQRT1_2 * 0.05)],
      [{ 'head.dropout': 0, augment: 'none' }, 2, expect.closeTo(0.75), expect.closeTo(Math.SQRT1_2 * 0.1)],
      // one seed failed: the mean is over the one that finished, and there is no spread
      [{ 'head.dropout': 0.5, augment: 'none' }, 1, 0.6, null],
      [{ 'head.dropout': 0.5, augment: 'light' }, 2, expect.closeTo(0.525), expect.closeTo(Math.SQRT1_2 * 0.05)],
    ]);
    expect(rows[2]).toMatchObject({
      status: 'mixed',
      seed: null,
      members: [
        { id: 'run4', seed: 1, status: 'done' },
        { id: 'run5', seed: 2, status: 'failed' },
      ],
    });
  });

  it('averages any stored metric asked for over the seeds, with its standard deviation', () => {
    const rows = open().leaderboard(query({ groupSeeds: true, metricKeys: ['wall_seconds'], sort: 'metric:wall_seconds', descending: false })).rows;
    expect(rows.map((r) => [r.members.map((m) => m.id), r.metrics])).toEqual([
      [['run0', 'run1'], { wall_seconds: { mean: 10.5, std: expect.closeTo(Math.SQRT1_2) } }],
      [['run2', 'run3'], { wall_seconds: { mean: 12.5, std: expect.closeTo(Math.SQRT1_2) } }],
      // the failed seed stored no metrics: its group's mean is its one finished seed's
      [['run4', 'run5'], { wall_seconds: { mean: 14, std: null } }],
      [['run6', 'run7'], { wall_seconds: { mean: 16.5, std: expect.closeTo(Math.SQRT1_2) } }],
    ]);
  });

  it('filters and sorts groups by their means', () => {
    const rows = open().leaderboard(query({ groupSeeds: true, filters: [{ column: 'best', operator: '<', value: 0.7 }], sort: 'param:augment' })).rows;
    expect(rows.map((r) => r.members.map((m) => m.id))).toEqual([['run4', 'run5'], ['run6', 'run7']]);
  });
});

describe('cached aggregates', () => {
  it('see what another connection commits after they were first computed', () => {
    const results = open();
    expect(results.leaderboard(query({ groupSeeds: true })).total).toBe(4);
    const before = results.progress(experimentId, 'best_val_accuracy', { recent: 3, curves: 3 });
    writer.registerVariants(experimentId, [
      { id: 'late', index: 8, params: { 'head.dropout': 0.2, augment: 'none', seed: 1, 'train.epochs': 3 }, config: { ...baseConfig, data: { ...baseConfig.data, image_size: [28, 28] }, augment: augmentPresets.none }, seed: 1 },
    ]);
    writer.startRun('late', environment);
    expect(results.leaderboard(query({ groupSeeds: true })).total).toBe(5);
    expect(results.paramKeys(experimentId)).toEqual(['head.dropout', 'augment', 'seed', 'train.epochs']);
    const running = results.progress(experimentId, 'best_val_accuracy', { recent: 3, curves: 3 });
    expect(running.version).not.toBe(before.version);
    expect(running.running.map((r) => [r.id, r.epochsDone, r.progress])).toEqual([['late', 0, null]]);
    // The first epoch of a group's first run: the runner reports where it is inside the epoch.
    writer.recordProgress('late', { epoch: 1, phase: 'train', step: 3, steps: 10, computedImages: 96, epochSeconds: 12 });
    const reported = results.progress(experimentId, 'best_val_accuracy', { recent: 3, curves: 3 });
    expect(reported.version).not.toBe(running.version);
    expect(reported.running[0]?.progress).toMatchObject({ epoch: 1, phase: 'train', step: 3, steps: 10, computedImages: 96, epochSeconds: 12 });
    writer.recordEpoch('late', { epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1 });
    const afterEpoch = results.progress(experimentId, 'best_val_accuracy', { recent: 3, curves: 3 });
    expect(afterEpoch.running[0]?.epochsDone).toBe(1);
    expect(afterEpoch.version).not.toBe(reported.version);
    expect(afterEpoch.curves.at(-1)).toEqual({ id: 'late', status: 'running', epochs: [{ epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1 }] });
    expect(afterEpoch.curves).toHaveLength(3);
  });
});

describe('ablation aggregates', () => {
  it('sums the metric over the runs of each level, in spec order', () => {
    const levels = open().levels(experimentId, 'head.dropout', 'best_val_accuracy');
    expect(levels).toEqual([
      // Within settings: (0.8, 0.7) and (0.9, 0.95) about their means; (0.6) alone adds nothing, (0.5, 0.55) one df.
      { level: 0, runs: 4, failed: 0, n: 4, sum: expect.closeTo(3.35), sumOfSquares: expect.closeTo(0.64 + 0.49 + 0.81 + 0.9025), withinSquares: expect.closeTo(0.005 + 0.00125), withinDf: 2 },
      { level: 0.5, runs: 4, failed: 1, n: 3, sum: expect.closeTo(1.65), sumOfSquares: expect.closeTo(0.36 + 0.25 + 0.3025), withinSquares: expect.closeTo(0.00125), withinDf: 1 },
    ]);
  });

  it('keeps a level for runs that do not set the parameter', () => {
    expect(open().levels(experimentId, 'train.epochs', 'best_val_accuracy').map((l) => [l.level, l.runs])).toEqual([[undefined, 8]]);
  });

  it('sums each pair of levels of two parameters', () => {
    const pairs = open().pairs(experimentId, 'head.dropout', 'augment', 'best_val_accuracy');
    expect(pairs.map((p) => [p.level, p.y, p.n, p.sum])).toEqual([
      [0, 'none', 2, expect.closeTo(1.5)],
      [0, 'light', 2, expect.closeTo(1.85)],
      [0.5, 'none', 1, expect.closeTo(0.6)],
      [0.5, 'light', 2, expect.closeTo(1.05)],
    ]);
  });
});

describe('runMetrics', () => {
  it('lists the best runs first with their params, and how many have the metric', () => {
    const metrics = open().runMetrics({ experimentId, metricKey: 'best_val_accuracy', descending: true, limit: 2 });
    expect(metrics).toEqual({
      total: 7,
      rows: [
        { id: 'run3', params: { 'head.dropout': 0, augment: 'light', seed: 2 }, value: 0.95 },
        { id: 'run2', params: { 'head.dropout': 0, augment: 'light', seed: 1 }, value: 0.9 },
      ],
    });
  });
});

describe('progress', () => {
  it('counts statuses and lists the latest finished runs with their metric', () => {
    const progress = open().progress(experimentId, 'best_val_accuracy', { recent: 2, curves: 2 });
    expect(progress.statusCounts).toEqual({ queued: 0, running: 0, done: 7, failed: 1, interrupted: 0 });
    expect(progress.running).toEqual([]);
    expect(progress.recent.map((r) => [r.id, r.status, r.value])).toEqual([
      ['run7', 'done', 0.55],
      ['run6', 'done', 0.5],
    ]);
  });
});
