import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../models/compare.ts';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('GET /api/compare', () => {
  it('returns each run with its epochs and metrics, and the config rows that differ', async () => {
    const [a, b] = [h.sample.runIds[6]!, h.sample.runIds[7]!];
    const response = await h.get(`/api/compare?run=${a}&run=${b}`);
    expect(response.status).toBe(200);
    const comparison = response.json<Comparison>();
    expect(comparison.runs.map((r) => [r.id, r.seed, r.epochs.length, r.metrics['best_val_accuracy']])).toEqual([
      [a, 1, 3, expect.closeTo(0.8)],
      [b, 2, 3, expect.closeTo(0.78)],
    ]);
    expect(comparison.differences).toEqual([{ path: 'seed', values: [1, 2] }]);
    expect(comparison.same.map((row) => row.path)).toContain('head.dropout');
  });

  it('validates the run list like the page', async () => {
    expect((await h.get('/api/compare?run=one')).status).toBe(400);
    expect((await h.get(`/api/compare?run=${h.sample.runIds[0]}&run=missing`)).json()).toEqual({ error: { status: 404, message: 'run missing does not exist' } });
  });
});
