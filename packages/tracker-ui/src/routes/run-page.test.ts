import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileError, hostileName } from '../../test/sample-results.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

/** The echarts option the page embeds for chart `id`. */
function chartOption(body: string, id: string): { series: Array<{ name: string; data: unknown[]; lineStyle: { type: string } }> } {
  const match = new RegExp(`<script type="application/json" id="${id}-option">(.*?)</script>`, 's').exec(body);
  expect(match, `chart ${id}`).not.toBeNull();
  return JSON.parse(match![1]!) as never;
}

describe('run page (/runs/:id)', () => {
  it('draws training against validation accuracy and loss for every epoch', async () => {
    const { status, body } = await h.get(`/runs/${h.sample.runIds[8]}`);
    expect(status).toBe(200);
    expect(body).toContain('<script src="/static/echarts.min.js" defer></script>');
    const accuracy = chartOption(body, 'accuracy-chart');
    expect(accuracy.series.map((s) => [s.name, s.lineStyle.type, s.data.length])).toEqual([
      ['validation', 'solid', 3],
      ['training', 'dashed', 3],
    ]);
    expect(accuracy.series[0]?.data).toEqual([
      [1, 0.75],
      [2, 0.85],
      [3, 0.7999999999999999],
    ]);
    expect(chartOption(body, 'loss-chart').series[1]?.data).toEqual([
      [1, 1],
      [2, 0.5],
      [3, 1 / 3],
    ]);
  });

  it('shows the resolved config with swept values marked, seed, backend, versions, dataset fingerprint and weights', async () => {
    const { body } = await h.get(`/runs/${h.sample.runIds[8]}`);
    expect(body).toContain('<tr class="swept" title="swept"><th><code>head.dropout</code></th><td>0.2</td></tr>');
    expect(body).toContain('<tr><th><code>train.epochs</code></th><td>3</td></tr>');
    expect(body).toContain('<tr><th>seed</th><td>1</td></tr>');
    expect(body).toContain('<tr><th>backend</th><td>cpu (2 threads)</td></tr>');
    expect(body).toContain('<tr><th>@tensorflow/tfjs</th><td>4.22.0</td></tr>');
    expect(body).toContain(`<code class="hash">${'f'.repeat(64)}</code>`);
    expect(body).toContain('<tr><th>weights</th><td>embedded (nsfwjs)</td></tr>');
  });

  it('shows the confusion matrix with per-class accuracy, naming the epoch it comes from', async () => {
    const { body } = await h.get(`/runs/${h.sample.runIds[8]}`);
    expect(body).toContain('<h2>Confusion matrix (validation, epoch 2, the best by val_accuracy)</h2>');
    expect(body).toContain('<tr><th>checkpoint</th><td>none</td></tr>');
    expect(body).toContain('<tr><th>features kept as</th><td>float16</td></tr>');
    expect(body).toContain('<th>cat</th><th>dog</th><th>accuracy</th>');
    expect(body).toMatch(/<th>cat<\/th>\s*<td class="number" style="background: hsla\(142, 70%, 45%, 0\.675\)">9<\/td>/);
    expect(body).toContain('<td class="number metric">0.9000</td>');
    expect(body).toContain('<td class="number metric">0.8000</td>');
    // cat: precision 9/11, F1 2·(9/11·9/10)/(9/11 + 9/10) = 18/21; dog: precision 8/9, F1 16/19.
    expect(body).toMatch(/<td class="number metric">0\.9000<\/td>\s*<td class="number">0\.8182<\/td>\s*<td class="number">0\.8571<\/td>/);
    expect(body).toMatch(/<td class="number metric">0\.8000<\/td>\s*<td class="number">0\.8889<\/td>\s*<td class="number">0\.8421<\/td>/);
  });

  it("shows a running run's best so far and its epoch, computed from the epochs that have landed", async () => {
    const { body } = await h.get(`/runs/${h.sample.runningId}`);
    expect(body).toMatch(/<div class="card-label">best val_accuracy so far<\/div><div class="card-value">0\.\d{4}<\/div>/);
    expect(body).toContain('<div class="card-label">best epoch (val_accuracy) so far</div><div class="card-value">2</div>');
    expect(body).toContain('<h2>Metrics so far (from the epochs that have landed)</h2>');
    const api = (await h.get(`/api/runs/${h.sample.runningId}`)).json<{ provisional: boolean; metrics: Record<string, number> }>();
    expect(api.provisional).toBe(true);
    expect(api.metrics['best_epoch']).toBe(2);
  });

  it('links the other seeds of the same setting, and a compare of them all', async () => {
    // Variants 0 and 1 are block1, dropout 0, seeds 1 and 2.
    const [a, b] = [h.sample.runIds[0]!, h.sample.runIds[1]!];
    const { body } = await h.get(`/runs/${a}`);
    expect(body).toContain(`Other seeds of this setting:\n            <a href="/runs/${b}">seed 2</a>`);
    expect(body).toContain(`<a href="/compare?run=${a}%2C${b}">compare the seeds</a>`);
  });

  it('marks the best epoch on both curves', async () => {
    const { body } = await h.get(`/runs/${h.sample.runIds[8]}`);
    const option = JSON.parse(/id="accuracy-chart-option">(.*?)<\/script>/s.exec(body)![1]!) as { series: Array<{ markLine?: { data: unknown[] } }> };
    expect(option.series[0]!.markLine?.data).toEqual([{ xAxis: 2 }]);
  });

  it('shows the error of a failed run as text', async () => {
    const { body } = await h.get(`/runs/${h.sample.failedId}`);
    expect(body).toContain('<pre class="error">diverged &lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;</pre>');
    expect(body).not.toContain(hostileError);
  });

  it('keeps a running run current by polling its JSON, and says when no epoch has finished', async () => {
    const running = await h.get(`/runs/${h.sample.runningId}`);
    expect(running.body).toContain(`data-live="/api/runs/${h.sample.runningId}" data-live-version="running:1:2"`);
    const queued = await h.get(`/runs/${h.sample.queuedId}`);
    expect(queued.body).toContain('No epoch has finished yet.');
    expect(queued.body).toContain('<tr><th>environment</th><td>not started yet</td></tr>');
    const done = await h.get(`/runs/${h.sample.runIds[0]}`);
    expect(done.body).not.toContain('data-live=');
  });

  it('escapes hostile class names and experiment names', async () => {
    const [run] = h.reader.runsOf(h.sample.hostileExperimentId);
    const { body } = await h.get(`/runs/${run!.id}`);
    expect(body).toContain('<th>&lt;script&gt;alert(1)&lt;/script&gt;</th>');
    expect(body).not.toContain(hostileName);
  });

  it('answers an unknown run with a 404 page', async () => {
    const response = await h.get('/runs/0000000000000000');
    expect(response.status).toBe(404);
    expect(response.body).toContain('run 0000000000000000 does not exist');
  });
});
