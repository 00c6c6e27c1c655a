import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { wilcoxonSignedRank } from './wilcoxon-signed-rank.ts';

describe('wilcoxonSignedRank', () => {
  it("matches scipy's wilcoxon with its defaults: exact, exhaustive permutation and normal cases", () => {
    for (const { name, a, b, expected } of statisticsFixtures.wilcoxon) {
      const test = wilcoxonSignedRank(a, b);
      expect(test.statistic, name).toBe(expected.statistic);
      expectClose(test.p, expected.p, 1e-9, `${name}: p`);
      expect(test.method, name).toBe(expected.method);
      expect(test.ranked, name).toBe(expected.ranked);
      expect(test.n, name).toBe(a.length);
    }
  });

  it("reproduces scipy's docstring example as printed: Darwin's corn, (24.0, 0.041259765625)", () => {
    const corn = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    expect(wilcoxonSignedRank(new Array<number>(15).fill(0), corn)).toMatchObject({ statistic: 24, p: 0.041259765625, method: 'exact' });
  });

  it('ties differences that are equal in exact arithmetic but not in their last bits', () => {
    // Each difference is 5/400, but as doubles 0.012499999999999956, 0.012500000000000067 and 0.012500000000000011.
    const [a, b] = [
      [0.8, 0.7, 0.3],
      [0.8125, 0.7125, 0.3125],
    ];
    expect(new Set(b.map((value, i) => value - a[i]!)).size).toBe(3);
    const test = wilcoxonSignedRank(a, b);
    // Three tied ranks of 2: R⁺ = 6 whatever the order; all 8 sign flips give 0, 2, 2, 2, 4, 4, 4 or 6.
    expect(test).toMatchObject({ statistic: 0, p: 0.25, method: 'exact' });
  });

  it('does not depend on which variant is a and which is b', () => {
    for (const { a, b } of statisticsFixtures.wilcoxon) expect(wilcoxonSignedRank(b, a)).toEqual(wilcoxonSignedRank(a, b));
  });

  it('gives all-zero differences statistic 0 and p = 1, at any size (scipy: NaN above 13 pairs)', () => {
    const values = Array.from({ length: 20 }, (_, i) => 0.7 + i / 100);
    expect(wilcoxonSignedRank(values.slice(0, 6), values.slice(0, 6))).toEqual({ n: 6, ranked: 0, statistic: 0, p: 1, method: 'exact' });
    expect(wilcoxonSignedRank(values, values)).toMatchObject({ ranked: 0, statistic: 0, p: 1 });
  });

  it('gives one pair p = 1, and caps a tie at the centre at 1', () => {
    expect(wilcoxonSignedRank([0.8], [0.9])).toMatchObject({ statistic: 0, p: 1 });
    expect(wilcoxonSignedRank([0, 0], [1, -1])).toMatchObject({ statistic: 1.5, p: 1 });
  });

  it('rejects unmatched, missing or non-finite pairs', () => {
    expect(() => wilcoxonSignedRank([0.8, 0.81], [0.82])).toThrow(RangeError);
    expect(() => wilcoxonSignedRank([], [])).toThrow(RangeError);
    expect(() => wilcoxonSignedRank([0.8, NaN], [0.82, 0.83])).toThrow(RangeError);
  });
});
