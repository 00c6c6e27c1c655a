import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParallelData } from '../models/parallel.ts';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('GET /api/experiments/:id/parallel', () => {
  it('gives one row per finished run, swept values then the metric, best first', async () => {
    const response = await h.get(`/api/experiments/${h.sample.experimentId}/parallel`);
    expect(response.status).toBe(200);
    const data = response.json<ParallelData>();
    expect(data.axes).toEqual([
      { key: 'backbone.cutoff', type: 'category', levels: ['block2', 'block1'] },
      { key: 'head.dropout', type: 'category', levels: ['0', '0.2', '0.5'] },
      { key: 'best_val_accuracy', type: 'value' },
    ]);
    expect(data.total).toBe(9);
    expect(data.rows[0]).toEqual({ id: h.sample.runIds[8], values: ['block2', '0.2', 0.85] });
    expect(data.rows.map((r) => r.values[2])).toEqual([...data.rows.map((r) => r.values[2])].sort((a, b) => Number(b) - Number(a)));
  });

  it('answers an unknown experiment with 404', async () => {
    expect((await h.get('/api/experiments/999/parallel')).status).toBe(404);
  });
});
