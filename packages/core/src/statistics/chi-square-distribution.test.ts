import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { chiSquareSf } from './chi-square-distribution.ts';
import { normalCdf } from './normal-distribution.ts';

describe('chiSquareSf', () => {
  it('matches scipy (checked against mpmath) to 1e-10 relative', () => {
    for (const { x, df, sf } of statisticsFixtures.chiSquareSf) expectClose(chiSquareSf(x, df), sf, 1e-10, `x = ${x}, df = ${df}`);
  });

  it('agrees with its closed forms: 2Φ(−√x) at df = 1, e^(−x/2) at df = 2', () => {
    for (const x of [0.2, 3, 30]) {
      expectClose(chiSquareSf(x, 1), 2 * normalCdf(-Math.sqrt(x)), 1e-13, `df 1, x = ${x}`);
      expectClose(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-13, `df 2, x = ${x}`);
    }
  });

  it('is 1 at and below 0, and rejects a df that is not positive', () => {
    expect(chiSquareSf(0, 1)).toBe(1);
    expect(chiSquareSf(-2, 3)).toBe(1);
    expect(chiSquareSf(Infinity, 1)).toBe(0);
    expect(() => chiSquareSf(1, 0)).toThrow(RangeError);
  });
});
