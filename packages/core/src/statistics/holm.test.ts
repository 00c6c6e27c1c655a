import { describe, expect, it } from 'vitest';
import { expectClose, statisticsFixtures } from '../../test/fixtures/statistics/statistics-fixtures.ts';
import { holm } from './holm.ts';

describe('holm', () => {
  it("gives the smallest α at which Holm's sequential procedure rejects each hypothesis, in input order", () => {
    for (const { name, p, adjusted } of statisticsFixtures.holm) {
      const actual = holm(p);
      expect(actual, name).toHaveLength(adjusted.length);
      actual.forEach((value, i) => expectClose(value, adjusted[i]!, 1e-12, `${name} [${i}]`));
    }
  });

  it("rejects hypotheses one and four of Wikipedia's example at α = 0.05", () => {
    expect(holm([0.01, 0.03, 0.04, 0.005]).map((p) => p < 0.05)).toEqual([true, false, false, true]);
  });

  it('is capped at 1, never below the raw p, and monotone in the raw p', () => {
    const p = [0.3, 0.001, 0.8, 0.04, 0.04, 0.6, 0.012];
    const adjusted = holm(p);
    expect(Math.max(...adjusted)).toBe(1);
    adjusted.forEach((value, i) => expect(value).toBeGreaterThanOrEqual(p[i]!));
    const order = p.map((_, i) => i).sort((i, j) => p[i]! - p[j]!);
    order.slice(1).forEach((index, k) => expect(adjusted[index]).toBeGreaterThanOrEqual(adjusted[order[k]!]!));
  });

  it('accepts no p-values and rejects values outside [0, 1]', () => {
    expect(holm([])).toEqual([]);
    expect(() => holm([0.2, 1.2])).toThrow(RangeError);
    expect(() => holm([NaN])).toThrow(RangeError);
  });
});
