import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { mcnemar } from './mcnemar.ts';

describe('mcnemar', () => {
  it("matches statsmodels' exact and continuity-corrected definitions (computed with scipy) to 1e-9 relative", () => {
    for (const { onlyARight, onlyBRight, exact, corrected } of statisticsFixtures.mcnemar) {
      const what = `b = ${onlyARight}, c = ${onlyBRight}`;
      const exactTest = mcnemar(onlyARight, onlyBRight);
      expect(exactTest.method).toBe('exact');
      expect(exactTest.statistic, what).toBe(exact.statistic);
      expectClose(exactTest.p, exact.p, 1e-9, `${what}: exact p`);
      const chiSquare = mcnemar(onlyARight, onlyBRight, { exact: false });
      expect(chiSquare.method).toBe('chi-square');
      expectClose(chiSquare.statistic, corrected.statistic, 1e-12, `${what}: χ²`);
      expectClose(chiSquare.p, corrected.p, 1e-9, `${what}: χ² p`);
    }
  });

  it('is symmetric in the two models', () => {
    expect(mcnemar(4, 11)).toEqual(mcnemar(11, 4));
    expect(mcnemar(4, 11, { exact: false })).toEqual(mcnemar(11, 4, { exact: false }));
  });

  it('gives no discordant images p = 1 in both forms (statsmodels: χ² inf, p 0)', () => {
    expect(mcnemar(0, 0)).toEqual({ statistic: 0, p: 1, method: 'exact' });
    expect(mcnemar(0, 0, { exact: false })).toEqual({ statistic: 0, p: 1, method: 'chi-square' });
  });

  it('caps the exact p at 1 for a balanced split, and keeps statsmodels\' 1 / (b + c) for the corrected χ²', () => {
    expect(mcnemar(3, 3).p).toBe(1);
    expect(mcnemar(3, 3, { exact: false }).statistic).toBe(1 / 6);
  });

  it('rejects counts that are not whole and non-negative', () => {
    expect(() => mcnemar(-1, 3)).toThrow(RangeError);
    expect(() => mcnemar(2.5, 3)).toThrow(RangeError);
  });
});
