import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileCutoff } from '../../test/sample-results.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('ablation page (/experiments/:id/ablation)', () => {
  it('shows each factor with its base level marked and signed deltas, coloured by whether they help', async () => {
    const { status, body } = await h.get(`/experiments/${h.sample.experimentId}/ablation`);
    expect(status).toBe(200);
    const cutoff = /<section class="factor" id="factor-backbone.cutoff" data-factor="backbone.cutoff">(.*?)<\/section>/s.exec(body)![1]!;
    expect(cutoff).toContain('base <strong>block2</strong>');
    expect(cutoff).toContain('spread of level means <strong>0.1200</strong>');
    // The sample's seed 2 scores 0.02 below seed 1 in every setting: seed noise 0.02/√2 = 0.0141, apart from the dropouts' spread.
    expect(body).toContain('<strong class="seed-noise">± 0.0141</strong>');
    expect(cutoff).toMatch(/<td>block1<\/td>\s*<td class="number metric">0\.6900 <span class="muted">± 0\.0460<\/span><\/td>\s*<td class="number">0\.0141<\/td>\s*<td class="number" title="[^"]*">6\/6<\/td>\s*<td class="number delta worse">−0\.1200<\/td>/);
    expect(cutoff).toContain('<tr class="base">');
    expect(cutoff).toContain('<span class="status status-failed">1 failed</span>');
  });

  it('shows paired effects against the base with their interval, Holm-adjusted p, verdict and a forest plot', async () => {
    const { body } = await h.get(`/experiments/${h.sample.experimentId}/ablation`);
    const effects = /<table class="effects">(.*?)<\/table>/s.exec(body)![1]!;
    // dropout 0 against 0.2: three (cutoff, seed) pairs, 0.05 lower each time.
    expect(effects).toMatch(/<td>0<\/td>\s*<td class="number">[^<]*<\/td>\s*<td class="number delta worse">−0\.0500<\/td>\s*<td class="number">[^<]*<\/td>\s*<td class="number">3<\/td>/);
    expect(effects).toContain('<td class="delta worse">worse</td>');
    expect(effects).toContain('<span class="tag" title="levels have different numbers of pairs">unbalanced</span>');
    expect(effects.match(/<svg class="forest"/g)).toHaveLength(3);
    const wilcoxon = (await h.get(`/experiments/${h.sample.experimentId}/ablation?test=wilcoxon`)).body;
    expect(wilcoxon).toContain('Wilcoxon signed-rank tests');
    expect(/<table class="effects">(.*?)<\/table>/s.exec(wilcoxon)![1]).not.toContain('>worse<');
  });

  it('says inline, not as an error page, when the heatmap is asked for the same factor on both axes', async () => {
    const { status, body } = await h.get(`/experiments/${h.sample.experimentId}/ablation?x=head.dropout&y=head.dropout`);
    expect(status).toBe(200);
    expect(body).toContain('<p class="notice" role="alert">x and y: expected two different factors, got &quot;head.dropout&quot; twice; showing head.dropout × backbone.cutoff instead.</p>');
    expect(body).toContain('<table class="heatmap">');
    expect((await h.get(`/api/experiments/${h.sample.experimentId}/ablation?x=head.dropout&y=head.dropout`)).status).toBe(400);
  });

  it('links each heatmap cell to the leaderboard filtered to its runs', async () => {
    const { body } = await h.get(`/experiments/${h.sample.experimentId}/ablation`);
    const links = [...body.matchAll(/<a class="heat-link" href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    expect(links).toHaveLength(5);
    const block1 = links.find((href) => href.includes('%3Dblock1') && href.endsWith('head.dropout=%3D0'))!;
    const api = await h.get(`/api/experiments/${h.sample.experimentId}/leaderboard${block1.slice(block1.indexOf('?'))}&group=none`);
    const rows = api.json<{ rows: Array<{ params: Record<string, unknown> }> }>().rows;
    expect(rows.map((r) => [r.params['backbone.cutoff'], r.params['head.dropout']])).toEqual([
      ['block1', 0],
      ['block1', 0],
    ]);
  });

  it('ranks the factors by how far each moves the metric', async () => {
    const { body } = await h.get(`/experiments/${h.sample.experimentId}/ablation`);
    const summary = /<table class="summary">(.*?)<\/table>/s.exec(body)![1]!;
    const factors = [...summary.matchAll(/href="#factor-([^"]+)"/g)].map((m) => m[1]);
    expect(factors).toEqual(['head.dropout', 'backbone.cutoff']);
    expect(summary).toMatch(/<code>head.dropout<\/code><\/a><\/td>\s*<td>0.2<\/td>\s*<td>0.2<\/td>\s*<td class="number delta"><\/td>\s*<td class="number">0.1367<\/td>/);
  });

  it('draws the two-factor heatmap with a mean, spread and count per cell, and a form to pick the factors', async () => {
    const { body } = await h.get(`/experiments/${h.sample.experimentId}/ablation?x=head.dropout&y=backbone.cutoff`);
    expect(body).toContain('<h2>backbone.cutoff × head.dropout</h2>');
    expect(body).toContain('<option value="head.dropout" selected>head.dropout</option>');
    expect(body).toMatch(/<div class="heat-mean">0\.8500<\/div>\s*<div class="heat-detail">n=1<\/div>/);
    expect(body).toContain('<td class="empty-cell">2 runs, no value</td>');
  });

  it('escapes hostile levels', async () => {
    const { body } = await h.get(`/experiments/${h.sample.hostileExperimentId}/ablation`);
    expect(body).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(body).not.toContain(hostileCutoff);
  });

  it('names a bad factor inline, escaped, and keeps the page (the API answers 400)', async () => {
    const response = await h.get(`/experiments/${h.sample.experimentId}/ablation?x=%3Cscript%3E`);
    expect(response.status).toBe(200);
    expect(response.body).toContain('<p class="notice" role="alert">x: &quot;&lt;script&gt;&quot; is not a swept factor');
    expect((await h.get(`/api/experiments/${h.sample.experimentId}/ablation?x=%3Cscript%3E`)).status).toBe(400);
  });
});
