import { describe, expect, it } from 'vitest';
import expected from '../../test/fixtures/statistics/factor-effects-fixture.json' with { type: 'json' };
import { type EffectRun, factorEffects } from './factor-effects.ts';

// The same grid as test/fixtures/statistics/factor-effects-fixture.py, whose scipy output is the expectation.
const grid: Array<[number, string, number, number]> = [
  [0.0, 'none', 1, 0.91], [0.0, 'none', 2, 0.925], [0.0, 'none', 3, 0.905],
  [0.0, 'course', 1, 0.94], [0.0, 'course', 2, 0.93], [0.0, 'course', 3, 0.95],
  [0.2, 'none', 1, 0.92], [0.2, 'none', 2, 0.935], [0.2, 'none', 3, 0.915],
  [0.2, 'course', 1, 0.955], [0.2, 'course', 2, 0.945], [0.2, 'course', 3, 0.96],
  [0.5, 'none', 1, 0.88], [0.5, 'none', 2, 0.9], [0.5, 'none', 3, 0.87],
  [0.5, 'course', 1, 0.93], [0.5, 'course', 2, 0.905], [0.5, 'course', 3, 0.925],
];
const runs: EffectRun[] = grid.map(([dropout, augment, seed, value], i) => ({ id: `r${i}`, params: { 'head.dropout': dropout, augment, seed }, value }));
const base: Record<string, unknown> = { 'head.dropout': 0.2, augment: 'none' };
const baseValue = (factor: string) => (factor in base ? { value: base[factor] } : undefined);

function close(actual: number | null | undefined, wanted: number): void {
  expect(Math.abs(actual! - wanted)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(wanted)));
}

describe('factorEffects', () => {
  const effects = factorEffects({ runs, factors: ['head.dropout', 'augment'], baseValue, goal: 'maximize' });
  const level = (factor: string, value: unknown) => effects.find((e) => e.factor === factor)!.levels.find((l) => l.level === value)!;

  it.each([
    ['head.dropout', 0, 'head.dropout=0'],
    ['head.dropout', 0.5, 'head.dropout=0.5'],
    ['augment', 'course', 'augment=course'],
  ] as const)('pairs %s=%s with the base over seeds and other values, as scipy computes it (mean, 95%% CI, p, Holm)', (factor, value, name) => {
    const want = expected[name];
    const comparison = level(factor, value).comparison!;
    expect(comparison.pairs).toBe(want.pairs);
    close(comparison.meanDifference, want.meanDifference);
    close(comparison.confidenceInterval?.lower, want.lower);
    close(comparison.confidenceInterval?.upper, want.upper);
    close(comparison.p, want.p);
    close(comparison.pAdjusted, want.pAdjusted);
    expect(comparison.test).toBe('paired-t');
  });

  it('labels each level against the base by the goal, and gives the base no comparison', () => {
    expect(level('head.dropout', 0).comparison?.verdict).toBe('worse');
    expect(level('augment', 'course').comparison?.verdict).toBe('better');
    expect(level('head.dropout', 0.2)).toMatchObject({ isBase: true, comparison: null });
    const minimizing = factorEffects({ runs, factors: ['augment'], baseValue, goal: 'minimize' });
    expect(minimizing[0]!.levels[1]!.comparison?.verdict).toBe('worse');
    expect(effects.every((e) => e.balanced)).toBe(true);
  });

  it("summarizes a level's cell (other factors at base) over its seeds only", () => {
    const cell = level('head.dropout', 0.5).cell!;
    expect(cell.n).toBe(3);
    close(cell.confidenceInterval?.lower, expected['cell head.dropout=0.5'].lower);
    close(cell.confidenceInterval?.upper, expected['cell head.dropout=0.5'].upper);
  });

  it('with one seed uses McNemar on the stored predictions when both runs have them, and says no evidence otherwise', () => {
    const single = runs.filter((run) => run.params['seed'] === 1 && run.params['augment'] === 'none');
    const withPredictions = factorEffects({ runs: single, factors: ['head.dropout'], baseValue, goal: 'maximize', discordant: () => ({ onlyBase: 14, onlyLevel: 2 }) });
    const comparison = withPredictions[0]!.levels.find((l) => l.level === 0.5)!.comparison!;
    expect(comparison).toMatchObject({ pairs: 1, test: 'mcnemar', confidenceInterval: null, verdict: 'worse' });
    // Exact McNemar, 2 of 16 discordant images: 2 · P(X ≤ 2), X ~ Binomial(16, 0.5) = 2 · 137/65536.
    close(comparison.p, (2 * 137) / 65536);
    const without = factorEffects({ runs: single, factors: ['head.dropout'], baseValue, goal: 'maximize' });
    expect(without[0]!.levels.find((l) => l.level === 0.5)!.comparison).toMatchObject({ test: null, p: null, verdict: 'no evidence' });
  });

  it('says when a factor is unbalanced, and leaves a level without a base partner uncompared', () => {
    const some = runs.filter((run) => !(run.params['head.dropout'] === 0.5 && run.params['seed'] === 3));
    const dropout = factorEffects({ runs: some, factors: ['head.dropout'], baseValue, goal: 'maximize' })[0]!;
    expect(dropout.balanced).toBe(false);
    expect(factorEffects({ runs, factors: ['augment'], baseValue: () => undefined, goal: 'maximize' })[0]!.levels.every((l) => l.comparison === null)).toBe(true);
  });
});
