import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('GET /api/runs/:id', () => {
  it('returns the run with its experiment, metric, epochs, metrics, confusion and a version', async () => {
    const response = await h.get(`/api/runs/${h.sample.runIds[8]}`);
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      run: { id: h.sample.runIds[8], status: 'done', seed: 1, params: { 'backbone.cutoff': 'block2', 'head.dropout': 0.2, seed: 1 } },
      experiment: { id: h.sample.experimentId, name: 'cutoff-vs-dropout' },
      metric: { key: 'best_val_accuracy' },
      epochs: [{ epoch: 1 }, { epoch: 2, valAccuracy: 0.85 }, { epoch: 3 }],
      metrics: { best_val_accuracy: 0.85, epochs_run: 3 },
      confusion: { classes: ['cat', 'dog'], matrix: [[9, 1], [2, 8]], perClassAccuracy: [0.9, 0.8] },
      version: 'done:1:3',
      live: false,
    });
  });

  it('moves its version on when an epoch lands', async () => {
    const before = (await h.get(`/api/runs/${h.sample.runningId}`)).json<{ version: string; live: boolean }>();
    expect(before).toMatchObject({ version: 'running:1:2', live: true });
    h.sample.writer.recordEpoch(h.sample.runningId, { epoch: 3, loss: 0.3, accuracy: 0.9, valLoss: 0.4, valAccuracy: 0.8, seconds: 1 });
    expect((await h.get(`/api/runs/${h.sample.runningId}`)).json<{ version: string }>().version).toBe('running:1:3');
  });

  it('answers an unknown run with a JSON 404', async () => {
    const response = await h.get('/api/runs/nope');
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ error: { status: 404, message: 'run nope does not exist' } });
  });
});
