import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../models/leaderboard.ts';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileCutoff } from '../../test/sample-results.ts';

let h: AppHarness;
let base: string;
beforeAll(() => {
  h = createHarness();
  base = `/api/experiments/${h.sample.experimentId}/leaderboard`;
});
afterAll(() => h.close());

async function board(query: string): Promise<Leaderboard> {
  const response = await h.get(`${base}?${query}`);
  expect(response.status, response.body).toBe(200);
  return response.json<Leaderboard>();
}

describe('GET /api/experiments/:id/leaderboard', () => {
  it('groups the seeds of a setting by default, best mean first', async () => {
    const result = await board('');
    expect(result).toMatchObject({ grouped: true, sort: { column: 'best', direction: 'desc' }, page: 1, perPage: 50, total: 6, pageCount: 1 });
    expect(result.columns.map((c) => c.id)).toEqual(['index', 'param:backbone.cutoff', 'param:head.dropout', 'n', 'status', 'final', 'best', 'epochs', 'time']);
    const [first, second] = result.rows;
    // block2 / 0.2: one seed done (0.85), the other failed, so n is 1 and the status is mixed
    expect(first).toMatchObject({ params: { 'backbone.cutoff': 'block2', 'head.dropout': 0.2 }, n: 1, status: 'mixed', best: { mean: 0.85, std: null } });
    expect(second).toMatchObject({ params: { 'backbone.cutoff': 'block2', 'head.dropout': 0 }, n: 2, status: 'done' });
    expect(second?.best.mean).toBeCloseTo(0.79);
    expect(second?.best.std).toBeCloseTo(Math.SQRT2 * 0.01);
    expect(second?.members.map((m) => m.seed)).toEqual([1, 2]);
    // block2 / 0.5: running and queued, no metric yet: last
    expect(result.rows.at(-1)).toMatchObject({ params: { 'head.dropout': 0.5 }, n: 0, best: { mean: null } });
  });

  it('lists one row per run with group=none, with seed, status, epochs and wall time', async () => {
    const result = await board('group=none');
    expect(result.total).toBe(12);
    expect(result.columns.map((c) => c.id)).toEqual(['index', 'id', 'param:backbone.cutoff', 'param:head.dropout', 'seed', 'status', 'final', 'best', 'epochs', 'time']);
    expect(result.rows[0]).toMatchObject({ id: h.sample.runIds[8], seed: 1, status: 'done', epochs: 3, trainSeconds: 12.5 });
    const running = result.rows.find((r) => r.id === h.sample.runningId);
    expect(running).toMatchObject({ status: 'running', epochs: 2, best: { mean: null } });
  });

  it('sorts by any column, parameters included, in either direction', async () => {
    const byDropout = await board('group=none&sort=param:head.dropout&dir=desc');
    expect(byDropout.rows.slice(0, 4).map((r) => r.params['head.dropout'])).toEqual([0.5, 0.5, 0.5, 0.5]);
    const bySeed = await board('group=none&sort=seed&dir=asc&per=6');
    expect(bySeed.rows.map((r) => r.seed)).toEqual([1, 1, 1, 1, 1, 1]);
    const byStatus = await board('group=none&sort=status');
    expect(byStatus.rows.map((r) => r.status).slice(-3)).toEqual(['failed', 'queued', 'running']);
  });

  it('filters by parameters, metrics and status together', async () => {
    const filtered = await board(`group=none&f.param:backbone.cutoff=block1&${encodeURIComponent('f.best')}=${encodeURIComponent('>=0.7')}&sort=index&dir=asc`);
    expect(filtered.rows.map((r) => r.index)).toEqual([1, 3, 4]);
    expect(filtered.filters).toEqual([
      { column: 'param:backbone.cutoff', operator: '=', value: 'block1' },
      { column: 'best', operator: '>=', value: 0.7 },
    ]);
    expect((await board('group=none&f.status=failed')).rows.map((r) => r.id)).toEqual([h.sample.failedId]);
    expect((await board('group=none&f.status=!%3Ddone')).total).toBe(3);
    expect((await board('group=none&f.best=null')).total).toBe(3);
    expect((await board('f.param:head.dropout=0.2')).rows.map((r) => r.params['backbone.cutoff'])).toEqual(['block2', 'block1']);
    // `#` filters on the number shown, which is tlab sweep's (1-based).
    expect((await board('group=none&f.index=1')).rows.map((r) => r.index)).toEqual([1]);
  });

  it('adds any stored metric as a column, given repeated or comma-separated, and lists those it can add', async () => {
    const chosen = await board('group=none&sort=index&dir=asc&cols=metric:wall_seconds,metric:final_val_loss&per=2');
    expect(chosen.columns.map((c) => c.id).slice(-3)).toEqual(['time', 'metric:wall_seconds', 'metric:final_val_loss']);
    expect(chosen.columns.at(-1)).toEqual({ id: 'metric:final_val_loss', label: 'final_val_loss', kind: 'number' });
    expect(chosen.metricColumns.map((c) => c.id)).toEqual([
      'metric:best_epoch',
      'metric:best_val_accuracy',
      'metric:epochs_run',
      'metric:final_val_accuracy',
      'metric:final_val_loss',
      'metric:train_seconds',
      'metric:wall_seconds',
    ]);
    expect(chosen.rows.map((r) => r.metrics)).toEqual([
      { final_val_loss: { mean: 0.37, std: null }, wall_seconds: { mean: 4.5, std: null } },
      { final_val_loss: { mean: 0.37, std: null }, wall_seconds: { mean: 5.5, std: null } },
    ]);
    const repeated = await board('group=none&sort=index&dir=asc&cols=metric:wall_seconds&cols=metric:final_val_loss&per=2');
    expect(repeated.columns).toEqual(chosen.columns);
    expect(repeated.rows).toEqual(chosen.rows);
  });

  it('sorts and filters by a metric column like a fixed one, showing it without being chosen', async () => {
    const sorted = await board('group=none&sort=metric:wall_seconds&dir=desc&per=2');
    expect(sorted.columns.at(-1)?.id).toBe('metric:wall_seconds');
    expect(sorted.rows.map((r) => r.metrics['wall_seconds']?.mean)).toEqual([12.5, 11.5]);
    const filtered = await board(`group=none&sort=index&dir=asc&${encodeURIComponent('f.metric:wall_seconds')}=${encodeURIComponent('<6')}`);
    expect(filtered.rows.map((r) => r.index)).toEqual([1, 2]);
    expect(filtered.filters).toEqual([{ column: 'metric:wall_seconds', operator: '<', value: 6 }]);
  });

  it('averages a metric column over the seeds of a setting, with its spread', async () => {
    const grouped = await board('sort=index&dir=asc&cols=metric:wall_seconds&per=1');
    expect(grouped.rows[0]?.metrics['wall_seconds']).toEqual({ mean: 5, std: expect.closeTo(Math.SQRT1_2) });
  });

  it('matches a run id by its start and text ignoring case', async () => {
    const [first, second] = [h.sample.runIds[0]!, h.sample.runIds[1]!];
    const byPrefix = await board(`group=none&f.id=${first.slice(0, 5).toUpperCase()}`);
    expect(byPrefix.rows.map((r) => r.id)).toEqual(h.sample.runIds.filter((id) => id.startsWith(first.slice(0, 5))));
    expect((await board(`group=none&f.id=${second}`)).rows.map((r) => r.id)).toEqual([second]);
    expect((await board('group=none&f.status=DONE')).total).toBe(9);
    expect((await board('group=none&f.status=!%3DDone')).total).toBe(3);
    expect((await board('group=none&f.param:backbone.cutoff=BLOCK1')).total).toBe(6);
  });

  it('pages in the database and reports the total over all pages', async () => {
    const second = await board('group=none&sort=index&dir=asc&per=5&page=2');
    expect(second).toMatchObject({ page: 2, perPage: 5, total: 12, pageCount: 3 });
    expect(second.rows.map((r) => r.index)).toEqual([6, 7, 8, 9, 10]);
    const past = await board('group=none&per=5&page=9');
    expect(past).toMatchObject({ total: 12, rows: [] });
  });

  it.each([
    ['sort=bogus', 'sort: unknown column "bogus"'],
    ['sort=param:not.swept', 'sort: unknown column "param:not.swept"'],
    ['sort=id', 'sort: unknown column "id"'],
    ['dir=up', 'dir: expected asc or desc'],
    ['page=0', 'page: expected a whole number from 1 to 1000000, got "0"'],
    ['page=-1', 'page: expected a whole number'],
    ['page=2.5', 'page: expected a whole number'],
    ['page=abc', 'page: expected a whole number'],
    ['page=99999999', 'page: expected a whole number'],
    ['per=0', 'per: expected a whole number from 1 to 500'],
    ['per=501', 'per: expected a whole number from 1 to 500'],
    ['group=all', 'group: expected seed or none'],
    ['f.nope=1', 'f.nope: unknown column "nope"'],
    ['f.best=high', 'f.best: expected a number'],
    ['f.best=%3E', 'f.best: expected a value after the operator'],
    ['f.status=finished', 'f.status: expected a status'],
    ['f.status=%3Edone', 'f.status: expected a value after = or != (case is ignored)'],
    ['f.status=Finished', 'f.status: expected a status (case is ignored): queued, running, done, failed, interrupted, mixed'],
    ['group=none&f.id=%3Eab', 'f.id: expected a run id or its first characters, optionally after = or != (case is ignored)'],
    ['f.param:backbone.cutoff=%3Eblock1', 'f.param:backbone.cutoff: expected a number after <, <=, > or >= (text takes = or != and ignores case)'],
    ['cols=metric:nope', 'cols: unknown column "metric:nope"; expected one of metric:best_epoch, metric:best_val_accuracy, metric:epochs_run'],
    ['cols=metric:wall_seconds,best', 'cols: unknown column "best"; expected one of metric:best_epoch'],
    ['sort=metric:nope', 'sort: unknown column "metric:nope"; expected one of index, param:backbone.cutoff, param:head.dropout, n, status, final, best, epochs, time, metric:best_epoch'],
    ['f.metric:wall_seconds=slow', 'f.metric:wall_seconds: expected a number'],
  ])('answers %s with 400 and says what was wrong', async (query, message) => {
    const response = await h.get(`${base}?${query}`);
    expect(response.status).toBe(400);
    expect(response.json<{ error: { message: string } }>().error.message).toContain(message);
  });

  it('answers an unknown experiment with 404', async () => {
    expect((await h.get('/api/experiments/424242/leaderboard')).status).toBe(404);
  });

  it('returns hostile swept values as plain data', async () => {
    const result = await h.get(`/api/experiments/${h.sample.hostileExperimentId}/leaderboard?sort=param:backbone.cutoff&dir=asc`);
    expect(result.json<Leaderboard>().rows[0]?.params['backbone.cutoff']).toBe(hostileCutoff);
  });
});

describe('GET /api/experiments/:id/leaderboard.csv', () => {
  it('exports every row of the same view as CSV, not just one page', async () => {
    const response = await h.get(`${base}.csv?group=none&sort=index&dir=asc&per=2`);
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="cutoff-vs-dropout-leaderboard.csv"');
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('index,run_id,backbone.cutoff,head.dropout,seed,status,final_val_accuracy,best_val_accuracy,epochs,train_seconds');
    expect(lines).toHaveLength(13);
    expect(lines[1]).toBe(`1,${h.sample.runIds[0]},block1,0,1,done,0.6499999999999999,0.7,3,4.5`);
    expect(lines[10]).toBe(`10,${h.sample.failedId},block2,0.2,2,failed,,,3,`);
  });

  it('exports seed groups with mean and std columns and the runs of each group', async () => {
    const response = await h.get(`${base}.csv?sort=index&dir=asc&f.param:backbone.cutoff=block1`);
    const [header, first] = response.body.split('\r\n');
    expect(header).toBe('index,run_ids,seeds,backbone.cutoff,head.dropout,n,runs,status,final_val_accuracy,final_val_accuracy_std,best_val_accuracy,best_val_accuracy_std,epochs,train_seconds');
    expect(first).toMatch(new RegExp(`^1,${h.sample.runIds[0]} ${h.sample.runIds[1]},1 2,block1,0,2,2,done,`));
  });

  it('exports chosen metric columns at full precision, with their std for seed groups', async () => {
    const perRun = await h.get(`${base}.csv?group=none&sort=index&dir=asc&cols=metric:wall_seconds,metric:final_val_loss`);
    const [header, first] = perRun.body.split('\r\n');
    expect(header).toBe('index,run_id,backbone.cutoff,head.dropout,seed,status,final_val_accuracy,best_val_accuracy,epochs,train_seconds,wall_seconds,final_val_loss');
    expect(first).toBe(`1,${h.sample.runIds[0]},block1,0,1,done,0.6499999999999999,0.7,3,4.5,4.5,0.37`);
    const grouped = await h.get(`${base}.csv?sort=index&dir=asc&cols=metric:wall_seconds`);
    const [groupHeader, group] = grouped.body.split('\r\n');
    expect(groupHeader).toMatch(/,epochs,train_seconds,wall_seconds,wall_seconds_std$/);
    expect(group).toMatch(/,3,5,5,0\.7071067811865476$/);
  });

  it('validates its query like the JSON leaderboard', async () => {
    expect((await h.get(`${base}.csv?sort=nope`)).status).toBe(400);
    expect((await h.get(`${base}.csv?cols=metric:nope`)).status).toBe(400);
  });
});
