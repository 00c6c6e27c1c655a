import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileName } from '../../test/sample-results.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('GET /api/experiments', () => {
  it('lists experiments with counts, best run and the metric each is scored by', async () => {
    const response = await h.get('/api/experiments');
    expect(response.status).toBe(200);
    const experiments = response.json<Array<Record<string, unknown>>>();
    const main = experiments.find((e) => e['id'] === h.sample.experimentId);
    expect(main).toMatchObject({
      name: 'cutoff-vs-dropout',
      runCount: 12,
      statusCounts: { done: 9, failed: 1, running: 1, queued: 1, interrupted: 0 },
      best: { runId: h.sample.runIds[8], value: 0.85 },
      metric: { name: 'val_accuracy', goal: 'maximize', key: 'best_val_accuracy' },
    });
    expect(experiments.map((e) => e['name'])).toContain(hostileName);
  });
});

describe('GET /api/experiments/:id', () => {
  it('describes the experiment: metric, swept parameters with their base values, spec versions', async () => {
    const response = await h.get(`/api/experiments/${h.sample.experimentId}`);
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      id: h.sample.experimentId,
      name: 'cutoff-vs-dropout',
      parameters: [
        { key: 'backbone.cutoff', factor: true, base: 'block2' },
        { key: 'head.dropout', factor: true, base: 0.2 },
        { key: 'seed', factor: false, base: 1 },
      ],
      seedsSwept: true,
      specVersions: [{ specHash: expect.any(String) }],
      specText: expect.stringContaining('name: cutoff-vs-dropout'),
    });
  });

  it('answers unknown and malformed ids with 404', async () => {
    for (const id of ['999', 'abc', '0', '1.5', '-1']) {
      const response = await h.get(`/api/experiments/${id}`);
      expect(response.status).toBe(404);
      expect(response.json()).toEqual({ error: { status: 404, message: `experiment ${id} does not exist` } });
    }
  });
});
