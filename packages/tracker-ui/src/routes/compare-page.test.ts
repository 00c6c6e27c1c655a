import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('compare page (/compare)', () => {
  it('overlays the curves of the chosen runs, one colour each, validation solid and training dashed', async () => {
    const [a, b, c] = [h.sample.runIds[0]!, h.sample.runIds[2]!, h.sample.runIds[8]!];
    const { status, body } = await h.get(`/compare?run=${a}&run=${b}&run=${c}`);
    expect(status).toBe(200);
    expect(body).toContain('<h1>Compare 3 runs</h1>');
    const option = JSON.parse(/id="compare-accuracy-chart-option">(.*?)<\/script>/s.exec(body)![1]!) as {
      series: Array<{ name: string; color: string; lineStyle: { type: string } }>;
    };
    expect(option.series.map((s) => [s.name, s.lineStyle.type])).toEqual([
      [`${a.slice(0, 8)} val`, 'solid'],
      [`${a.slice(0, 8)} train`, 'dashed'],
      [`${b.slice(0, 8)} val`, 'solid'],
      [`${b.slice(0, 8)} train`, 'dashed'],
      [`${c.slice(0, 8)} val`, 'solid'],
      [`${c.slice(0, 8)} train`, 'dashed'],
    ]);
    expect(new Set(option.series.map((s) => s.color)).size).toBe(3);
  });

  it('lists only the settings that differ, marking the odd values out, and keeps the rest folded away', async () => {
    const [a, b, c] = [h.sample.runIds[0]!, h.sample.runIds[2]!, h.sample.runIds[8]!];
    const { body } = await h.get(`/compare?run=${a}&run=${b}&run=${c}`);
    const differences = /<h2>Config differences<\/h2>(.*?)<details>/s.exec(body)![1]!;
    const paths = [...differences.matchAll(/<tr><th><code>([^<]+)<\/code><\/th>/g)].map((m) => m[1]);
    expect(paths).toEqual(['backbone.cutoff', 'head.dropout']);
    expect(differences).toMatch(/<th><code>backbone.cutoff<\/code><\/th><td>block1<\/td><td>block1<\/td><td class="differs">block2<\/td>/);
    expect(body).toMatch(/<summary>\d+ settings identical in all runs<\/summary>/);
  });

  it.each([
    ['', 'got 0'],
    ['?run=a', 'got 1'],
    [`?run=${'x,'.repeat(8)}x`, 'got 1'],
    [`?${Array.from({ length: 9 }, (_, i) => `run=r${i}`).join('&')}`, 'got 9'],
  ])('answers %s with 400 unless it names 2 to 8 distinct runs or seed groups', async (query, count) => {
    const response = await h.get(`/compare${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toContain(`run: expected 2 to 8 runs or seed groups to compare, ${count}`);
  });

  it('compares seed groups as settings: 5 groups of 2 seeds (10 runs), mean curves with ±std bands and Δ against the first', async () => {
    const ids = h.sample.runIds;
    const groups = [0, 2, 4, 6, 8].map((i) => `${ids[i]},${ids[i + 1]}`);
    const { status, body } = await h.get(`/compare?${groups.map((g) => `run=${g}`).join('&')}`);
    expect(status).toBe(200);
    expect(body).toContain('<h1>Compare 5 settings</h1>');
    const option = JSON.parse(/id="compare-accuracy-chart-option">(.*?)<\/script>/s.exec(body)![1]!) as { series: Array<{ name: string; areaStyle?: object }> };
    // Each group has a band (lower edge + shaded width) under its validation curve; the last one's failed run still has epochs.
    expect(option.series.filter((s) => s.areaStyle !== undefined)).toHaveLength(5);
    expect(body).toMatch(/<td class="number">1, 2<\/td>\s*<td class="number metric">0\.\d{4} ± 0\.\d{4}<\/td>\s*<td class="number"><\/td>/);
    expect(body).toMatch(/<td class="number">[+−]0\.\d{4}<\/td>/);
    const api = (await h.get(`/api/compare?${groups.map((g) => `run=${g}`).join('&')}`)).json<{ settings: Array<{ ids: string[]; seeds: number[]; metrics: Record<string, { n: number }> }> }>();
    expect(api.settings.map((s) => s.seeds)).toEqual([[1, 2], [1, 2], [1, 2], [1, 2], [1, 2]]);
    expect(api.settings[0]!.metrics['best_val_accuracy']!.n).toBe(2);
  });

  it('answers an unknown run with a 404 that names it, escaped', async () => {
    const response = await h.get(`/compare?run=${h.sample.runIds[0]}&run=%3Cb%3E`);
    expect(response.status).toBe(404);
    expect(response.body).toContain('run &lt;b&gt; does not exist');
  });
});
