import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { normalCdf } from './normal-distribution.ts';

describe('normalCdf', () => {
  it('matches scipy (checked against mpmath) to 1e-10 relative, down to Φ(−37.5) ≈ 5e-308', () => {
    for (const { z, cdf } of statisticsFixtures.normalCdf) expectClose(normalCdf(z), cdf, 1e-10, `z = ${z}`);
  });

  it('is symmetric: Φ(z) + Φ(−z) = 1', () => {
    for (const z of [0.1, 1.3, 2.7, 5]) expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 15);
  });

  it('handles infinities and NaN', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });
});
