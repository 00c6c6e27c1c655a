import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Effects } from '../models/effects.ts';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
let base: string;
beforeAll(() => {
  h = createHarness();
  base = `/api/experiments/${h.sample.experimentId}/effects`;
});
afterAll(() => h.close());

describe('GET /api/experiments/:id/effects', () => {
  it("pairs each level with the spec's base over matching seeds and other values, Holm-adjusts, and labels it", async () => {
    const response = await h.get(base);
    expect(response.status).toBe(200);
    const { factors, metric, test, alpha } = response.json<Effects>();
    expect({ key: metric.key, test, alpha }).toEqual({ key: 'best_val_accuracy', test: 'paired-t', alpha: 0.05 });
    const [cutoff, dropout] = factors;
    expect(cutoff).toMatchObject({ factor: 'backbone.cutoff', base: { value: 'block2' }, labels: ['block1', 'block2'] });
    // block2's (0.2, seed 2) run failed: three of the four (dropout, seed) cells have both runs.
    expect(cutoff!.levels[0]!.comparison).toMatchObject({ pairs: 3, meanDifference: expect.closeTo(-0.1), test: 'paired-t', verdict: 'worse' });
    expect(cutoff!.levels[1]).toMatchObject({ isBase: true, comparison: null });
    expect(dropout!.levels.map((l) => [l.level, l.comparison?.pairs ?? null, l.comparison?.verdict ?? null])).toEqual([
      [0, 3, 'worse'],
      [0.2, null, null],
      [0.5, 2, 'worse'],
    ]);
    expect(dropout!.balanced).toBe(false);
    // The base cell of dropout 0.5 (cutoff at its base, block2) has no done run; block1's cell has both seeds.
    expect(dropout!.levels[2]!.cell).toBeNull();
    const pAdjusted = factors.flatMap((f) => f.levels.flatMap((l) => (l.comparison?.pAdjusted === undefined ? [] : [l.comparison.pAdjusted])));
    expect(pAdjusted.every((p) => p !== null && p >= 0 && p <= 1)).toBe(true);
  });

  it('takes the Wilcoxon test and another alpha, and refuses what is neither', async () => {
    const wilcoxon = (await h.get(`${base}?test=wilcoxon&alpha=0.01`)).json<Effects>();
    expect(wilcoxon).toMatchObject({ test: 'wilcoxon', alpha: 0.01 });
    // Three pairs can never reach p < 0.25 with a two-sided signed-rank test: no evidence, whatever the effect.
    expect(wilcoxon.factors[0]!.levels[0]!.comparison).toMatchObject({ test: 'wilcoxon', p: 0.25, verdict: 'no evidence' });
    const bad = await h.get(`${base}?test=anova`);
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/test: "anova" is not a paired test; expected one of paired-t, wilcoxon/);
    expect((await h.get(`${base}?alpha=2`)).status).toBe(400);
  });
});
