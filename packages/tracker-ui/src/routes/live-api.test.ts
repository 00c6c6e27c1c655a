import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveSweep } from '../models/live.ts';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
let url: string;
beforeAll(() => {
  h = createHarness();
  url = `/api/experiments/${h.sample.experimentId}/live`;
});
afterAll(() => h.close());

describe('GET /api/experiments/:id/live', () => {
  it('reports progress, the running runs with their epochs, and the latest finished runs', async () => {
    const response = await h.get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const live = response.json<LiveSweep>();
    expect(live).toMatchObject({ total: 12, finished: 10, statusCounts: { done: 9, failed: 1, running: 1, queued: 1 } });
    expect(live.running).toEqual([
      expect.objectContaining({ id: h.sample.runningId, epochsDone: 2, epochsPlanned: 3, epochs: [expect.objectContaining({ epoch: 1 }), expect.objectContaining({ epoch: 2 })] }),
    ]);
    expect(live.recent).toHaveLength(10);
    expect(live.recent.find((r) => r.id === h.sample.failedId)).toMatchObject({ status: 'failed', value: null });
  });

  it('moves its version on as epochs land and runs finish, and only then', async () => {
    const first = (await h.get(url)).json<LiveSweep>().version;
    expect((await h.get(url)).json<LiveSweep>().version).toBe(first);
    h.sample.writer.recordEpoch(h.sample.runningId, { epoch: 3, loss: 0.3, accuracy: 0.9, valLoss: 0.4, valAccuracy: 0.6, seconds: 1 });
    const afterEpoch = (await h.get(url)).json<LiveSweep>();
    expect(afterEpoch.version).not.toBe(first);
    expect(afterEpoch.running[0]?.epochsDone).toBe(3);
    h.sample.writer.finishRun(h.sample.runningId, { metrics: { best_val_accuracy: 0.6 }, evaluatedEpoch: 1, confusion: { classes: ['a', 'b'], matrix: [[1, 0], [0, 1]] }, predictions: [], checkpoint: null });
    const afterFinish = (await h.get(url)).json<LiveSweep>();
    expect(afterFinish.version).not.toBe(afterEpoch.version);
    expect(afterFinish).toMatchObject({ running: [], finished: 11 });
    expect(afterFinish.recent[0]).toMatchObject({ id: h.sample.runningId, status: 'done', value: 0.6 });
  });

  it('answers an unknown experiment with 404', async () => {
    expect((await h.get('/api/experiments/5150/live')).status).toBe(404);
  });
});
