import { describe, expect, it } from 'vitest';
import { expectClose, type PairedTExpectation, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { pairedTTest, type PairedTTest } from './paired-t-test.ts';

function expectMatches(test: PairedTTest, expected: PairedTExpectation, name: string): void {
  expect(test.n, name).toBe(expected.n);
  expect(test.df, name).toBe(expected.df);
  expectClose(test.meanDifference, expected.meanDifference, 1e-12, `${name}: mean difference`);
  expectClose(test.std, expected.std, 1e-9, `${name}: std`);
  expectClose(test.standardError, expected.standardError, 1e-9, `${name}: standard error`);
  expectClose(test.t, expected.t, 1e-9, `${name}: t`);
  expectClose(test.p, expected.p, 1e-9, `${name}: p`);
  expectClose(test.confidenceInterval?.lower ?? null, expected.lower, 1e-9, `${name}: lower`);
  expectClose(test.confidenceInterval?.upper ?? null, expected.upper, 1e-9, `${name}: upper`);
}

describe('pairedTTest', () => {
  it("matches scipy's ttest_rel(b, a) and its confidence_interval() to 1e-9 relative", () => {
    for (const { name, a, b, confidence, expected } of statisticsFixtures.pairedT) expectMatches(pairedTTest(a, b, { confidence }), expected, name);
  });

  it("reproduces Student's sleep data as scipy computes it and as R prints it", () => {
    const { name, a, b, expected, printed } = statisticsFixtures.textbookPairedT;
    const test = pairedTTest(a, b);
    expectMatches(test, expected, name);
    // To the digits R prints: t = 4.0621, p-value = 0.002833, interval 0.7001142 to 2.4598858, df = 9.
    expect(Math.abs(test.t! - printed.t)).toBeLessThanOrEqual(5e-5);
    expect(Math.abs(test.p! - printed.p)).toBeLessThanOrEqual(5e-7);
    expect(Math.abs(test.confidenceInterval!.lower - printed.lower)).toBeLessThanOrEqual(5e-8);
    expect(Math.abs(test.confidenceInterval!.upper - printed.upper)).toBeLessThanOrEqual(5e-8);
    expect(test.df).toBe(printed.df);
    expectClose(test.meanDifference, printed.meanDifference, 1e-12);
  });

  it('flips the signs, not the p-value, when a and b swap', () => {
    const { a, b } = statisticsFixtures.pairedT[1]!;
    const forward = pairedTTest(a, b);
    const backward = pairedTTest(b, a);
    expect(backward.t).toBe(-forward.t!);
    expect(backward.p).toBe(forward.p);
    expectClose(backward.confidenceInterval!.lower, -forward.confidenceInterval!.upper, 1e-12);
  });

  // Multiples of 1/16, so the differences are exactly equal in floating point.
  const a = [0.75, 0.8125, 0.5];

  it('gives equal non-zero differences t = ±Infinity, p = 0 and a zero-width interval (as scipy does)', () => {
    const better = pairedTTest(a, [0.8125, 0.875, 0.5625]);
    expect(better).toMatchObject({ meanDifference: 0.0625, std: 0, standardError: 0, t: Infinity, p: 0 });
    expect(better.confidenceInterval).toEqual({ level: 0.95, lower: 0.0625, upper: 0.0625 });
    expect(pairedTTest(a, [0.6875, 0.75, 0.4375])).toMatchObject({ meanDifference: -0.0625, t: -Infinity, p: 0 });
  });

  it('gives all-zero differences t = 0 and p = 1 where scipy gives NaN', () => {
    const same = pairedTTest(a, a);
    expect(same).toMatchObject({ meanDifference: 0, std: 0, t: 0, p: 1 });
    expect(same.confidenceInterval).toEqual({ level: 0.95, lower: 0, upper: 0 });
  });

  it('reports a single pair with null spread, t, p and interval, not NaN', () => {
    expect(pairedTTest([0.8], [0.82])).toEqual({
      n: 1,
      df: 0,
      meanDifference: 0.82 - 0.8,
      std: null,
      standardError: null,
      t: null,
      p: null,
      confidenceInterval: null,
    });
  });

  it('rejects unmatched or missing pairs', () => {
    expect(() => pairedTTest([0.8, 0.81], [0.82])).toThrow(RangeError);
    expect(() => pairedTTest([], [])).toThrow(RangeError);
  });
});
