import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileName } from '../../test/sample-results.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('live page (/experiments/:id/live)', () => {
  it('shows progress and the running run with its curve, and polls the live JSON from the current version', async () => {
    const { status, body } = await h.get(`/experiments/${h.sample.experimentId}/live`);
    expect(status).toBe(200);
    const version = h.reader.progress(h.sample.experimentId, 'best_val_accuracy', { recent: 10, curves: 10 }).version;
    expect(body).toContain(`data-live="/api/experiments/${h.sample.experimentId}/live" data-live-version="${version}"`);
    expect(body).toContain('<strong>10</strong> of 12 runs finished');
    expect(body).toContain(`<div class="running-run" data-run="${h.sample.runningId}">`);
    expect(body).toContain('epoch <span class="epochs-done">2</span> of 3');
    expect(body).toContain('id="live-chart-0-option"');
  });

  it("overlays the latest runs' metric curves, and shows the running run's phase with its ETA", async () => {
    h.sample.writer.recordProgress(h.sample.runningId, { epoch: 3, phase: 'train', step: 2, steps: 4, computedImages: 0, epochSeconds: 0.5 });
    const { body } = await h.get(`/experiments/${h.sample.experimentId}/live`);
    expect(body).toContain('id="live-curves-option"');
    expect(body).toMatch(/val_accuracy of the latest \d+ runs/);
    expect(body).toContain('<div class="phase" data-phase="train">');
    expect(body).toContain('batch 2 of 4');
    expect(body).toMatch(/about [^<]+ left in the run/);
  });

  it('renders the state after new epochs on the next request', async () => {
    h.sample.writer.recordEpoch(h.sample.runningId, { epoch: 3, loss: 0.3, accuracy: 0.9, valLoss: 0.4, valAccuracy: 0.6, seconds: 1 });
    const { body } = await h.get(`/experiments/${h.sample.experimentId}/live`);
    expect(body).toContain('epoch <span class="epochs-done">3</span> of 3');
  });

  it('shows no LIVE badge and polls nothing for an experiment with no run queued or training', async () => {
    // Every run of the hostile experiment is done.
    const { body } = await h.get(`/experiments/${h.sample.hostileExperimentId}/live`);
    expect(body).not.toContain('class="live-badge"');
    expect(body).not.toContain('data-live=');
    expect(body).toContain('No run is queued or training');
    expect((await h.get(`/experiments/${h.sample.experimentId}/live`)).body).toContain('<span class="live-badge"');
  });

  it('escapes the experiment name', async () => {
    const { body } = await h.get(`/experiments/${h.sample.hostileExperimentId}/live`);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(hostileName);
    expect(body).toContain('No run is training right now.');
  });
});
