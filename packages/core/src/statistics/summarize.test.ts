import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { summarize } from './summarize.ts';

describe('summarize', () => {
  it('matches numpy and scipy (mean, std with ddof 1, sem, t.interval) to 1e-9 relative', () => {
    for (const { name, values, confidence, expected } of statisticsFixtures.summaries) {
      const summary = summarize(values, { confidence });
      expect(summary.n, name).toBe(expected.n);
      expectClose(summary.mean, expected.mean, 1e-12, `${name}: mean`);
      expectClose(summary.std, expected.std, 1e-9, `${name}: std`);
      expectClose(summary.standardError, expected.standardError, 1e-9, `${name}: standard error`);
      expectClose(summary.confidenceInterval?.lower ?? null, expected.lower, 1e-9, `${name}: lower`);
      expectClose(summary.confidenceInterval?.upper ?? null, expected.upper, 1e-9, `${name}: upper`);
      if (summary.confidenceInterval) expect(summary.confidenceInterval.level).toBe(confidence);
    }
  });

  it('gives a 95 % interval unless told otherwise', () => {
    const [, twoSeeds] = statisticsFixtures.summaries;
    expect(summarize(twoSeeds!.values).confidenceInterval?.level).toBe(0.95);
    expectClose(summarize(twoSeeds!.values).confidenceInterval!.upper, twoSeeds!.expected.upper, 1e-9);
  });

  it('reports one seed as a mean with null spread, not NaN', () => {
    expect(summarize([0.83])).toEqual({ n: 1, mean: 0.83, std: null, standardError: null, confidenceInterval: null });
  });

  it('gives identical values a spread of exactly 0 and an interval of zero width', () => {
    // numpy's std of [0.1, 0.1, 0.1] is 1.7e-17: rounding, not spread.
    expect(summarize([0.1, 0.1, 0.1])).toEqual({
      n: 3,
      mean: 0.1,
      std: 0,
      standardError: 0,
      confidenceInterval: { level: 0.95, lower: 0.1, upper: 0.1 },
    });
  });

  it('rejects no values, non-finite values and a confidence outside (0, 1)', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([0.8, NaN])).toThrow(RangeError);
    expect(() => summarize([0.8, Infinity])).toThrow(RangeError);
    expect(() => summarize([0.8, 0.9], { confidence: 1 })).toThrow(RangeError);
    expect(() => summarize([0.8, 0.9], { confidence: 95 })).toThrow(RangeError);
  });
});
