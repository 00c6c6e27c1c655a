import { describe, expect, it } from 'vitest';
import { classMetrics } from './class-metrics.ts';

describe('classMetrics', () => {
  it('gives precision, recall and F1 per class by their textbook definitions', () => {
    // Worked by hand: class 0 predicted 5 times, 4 right (precision 4/5), found 4 of 5 (recall 4/5); class 1
    // predicted 4 times, 3 right (3/4), found 3 of 5 (3/5), F1 = 2·(3/4·3/5)/(3/4 + 3/5) = 2/3; class 2 has no
    // images and one wrong prediction.
    const metrics = classMetrics([
      [4, 1, 0],
      [1, 3, 1],
      [0, 0, 0],
    ]);
    expect(metrics.map((m) => m.support)).toEqual([5, 5, 0]);
    expect(metrics[0]).toMatchObject({ precision: 0.8, recall: 0.8, f1: expect.closeTo(0.8, 12) });
    expect(metrics[1]!.precision).toBeCloseTo(0.75, 12);
    expect(metrics[1]!.recall).toBeCloseTo(0.6, 12);
    expect(metrics[1]!.f1).toBeCloseTo(2 / 3, 12);
    // A class without images has no recall (NaN, shown as –), where scikit-learn would warn and report 0.
    expect(metrics[2]!.precision).toBe(0);
    expect(Number.isNaN(metrics[2]!.recall)).toBe(true);
  });
});
