import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { binomialCdf, signTestP } from './binomial-distribution.ts';

describe('binomialCdf', () => {
  it('matches scipy (checked against an exact mpmath sum) to 1e-10 relative, fractional k floored', () => {
    for (const { k, n, p, cdf } of statisticsFixtures.binomialCdf) expectClose(binomialCdf(k, n, p), cdf, 1e-10, `k = ${k}, n = ${n}, p = ${p}`);
  });

  it('is the plain sum of the probabilities for small n', () => {
    // P(X ≤ 2) for Binomial(4, 0.3) = 0.7⁴ + 4·0.3·0.7³ + 6·0.3²·0.7² = 0.9163.
    expectClose(binomialCdf(2, 4, 0.3), 0.9163, 1e-13);
  });

  it('is 0 below 0 and 1 from n up, and rejects bad n and p', () => {
    expect(binomialCdf(-1, 5, 0.5)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBe(1);
    expect(binomialCdf(0, 0, 0.5)).toBe(1);
    expect(binomialCdf(2, 5, 0)).toBe(1);
    expect(binomialCdf(2, 5, 1)).toBe(0);
    expect(() => binomialCdf(1, 2.5, 0.5)).toThrow(RangeError);
    expect(() => binomialCdf(1, 5, 1.2)).toThrow(RangeError);
  });
});

describe('signTestP', () => {
  it("matches scipy's binomtest(k, n, 0.5) to 1e-10 relative", () => {
    for (const { k, n, p } of statisticsFixtures.signTest) expectClose(signTestP(k, n), p, 1e-10, `k = ${k}, n = ${n}`);
  });

  it('is capped at 1 for a balanced split and rejects k outside [0, n]', () => {
    expect(signTestP(5, 10)).toBe(1);
    expect(signTestP(0, 0)).toBe(1);
    expect(() => signTestP(11, 10)).toThrow(RangeError);
    expect(() => signTestP(1.5, 10)).toThrow(RangeError);
  });
});
