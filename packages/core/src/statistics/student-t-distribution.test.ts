import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { studentTCdf, studentTQuantile } from './student-t-distribution.ts';

describe('studentTCdf', () => {
  it('matches scipy (checked against mpmath) to 1e-10 relative, down to the underflow of the double range', () => {
    for (const { t, df, cdf } of statisticsFixtures.tCdf) expectClose(studentTCdf(t, df), cdf, 1e-10, `t = ${t}, df = ${df}`);
  });

  it('is the Cauchy CDF ½ + atan(t)/π at df = 1, including near t = 0 where scipy keeps only ~8 digits', () => {
    for (const t of [-1e-8, 1e-6, 0.3, -7, 123]) expectClose(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `t = ${t}`);
  });

  it('handles 0, infinities and NaN, and rejects a df that is not positive', () => {
    expect(studentTCdf(0, 4)).toBe(0.5);
    expect(studentTCdf(-Infinity, 4)).toBe(0);
    expect(studentTCdf(Infinity, 4)).toBe(1);
    expect(studentTCdf(NaN, 4)).toBeNaN();
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
    expect(() => studentTCdf(1, NaN)).toThrow(RangeError);
  });
});

describe('studentTQuantile', () => {
  it('matches scipy (checked against mpmath) to 1e-10 relative', () => {
    for (const { p, df, quantile } of statisticsFixtures.tQuantile) expectClose(studentTQuantile(p, df), quantile, 1e-10, `p = ${p}, df = ${df}`);
  });

  it('has the closed form (2p − 1) / √(2p(1 − p)) at df = 2', () => {
    for (const p of [1e-9, 0.01, 0.2, 0.5001, 0.975, 0.999]) expectClose(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-11, `p = ${p}`);
  });

  it('inverts the CDF in both tails, down to p = 1e-300 (t = −3.2e299 at df = 1)', () => {
    for (const df of [1, 3, 29, 1000]) {
      for (const p of [1e-300, 1e-30, 0.01, 0.3, 0.8, 0.99]) expectClose(studentTCdf(studentTQuantile(p, df), df), p, 1e-12, `p = ${p}, df = ${df}`);
    }
  });

  it('gives ±Infinity at 0 and 1, 0 at ½, and rejects p outside [0, 1]', () => {
    expect(studentTQuantile(0, 3)).toBe(-Infinity);
    expect(studentTQuantile(1, 3)).toBe(Infinity);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(() => studentTQuantile(1.5, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(NaN, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, -1)).toThrow(RangeError);
  });
});
