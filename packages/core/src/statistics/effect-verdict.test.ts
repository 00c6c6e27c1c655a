import { describe, expect, it } from 'vitest';
import { effectVerdict } from './effect-verdict.ts';
import { holm } from './holm.ts';
import { pairedTTest } from './paired-t-test.ts';

describe('effectVerdict', () => {
  it('reads the direction of a significant difference through the metric goal', () => {
    expect(effectVerdict({ p: 0.01, meanDifference: 0.02 }, 'maximize')).toBe('better');
    expect(effectVerdict({ p: 0.01, meanDifference: -0.02 }, 'maximize')).toBe('worse');
    expect(effectVerdict({ p: 0.01, meanDifference: -0.02 }, 'minimize')).toBe('better');
    expect(effectVerdict({ p: 0.01, meanDifference: 0.02 }, 'minimize')).toBe('worse');
  });

  it('says no evidence at p ≥ α (strictly below counts), without a test, or without a direction', () => {
    expect(effectVerdict({ p: 0.05, meanDifference: 0.02 }, 'maximize')).toBe('no evidence');
    expect(effectVerdict({ p: 0.3, meanDifference: 0.02 }, 'maximize')).toBe('no evidence');
    expect(effectVerdict({ p: null, meanDifference: 0.02 }, 'maximize')).toBe('no evidence');
    expect(effectVerdict({ p: 0, meanDifference: 0 }, 'maximize')).toBe('no evidence');
  });

  it('takes α as an option', () => {
    expect(effectVerdict({ p: 0.03, meanDifference: 0.02 }, 'maximize', { alpha: 0.01 })).toBe('no evidence');
    expect(effectVerdict({ p: 0.08, meanDifference: 0.02 }, 'maximize', { alpha: 0.1 })).toBe('better');
    expect(() => effectVerdict({ p: 0.01, meanDifference: 0.02 }, 'maximize', { alpha: 0 })).toThrow(RangeError);
    expect(() => effectVerdict({ p: 0.01, meanDifference: 0.02 }, 'maximize', { alpha: 5 })).toThrow(RangeError);
  });

  it('turns into no evidence where the Holm adjustment for several levels lifts p over α', () => {
    const baseline = [0.8, 0.81, 0.79, 0.8];
    const levels = [
      [0.83, 0.835, 0.815, 0.83], // clearly better: p 0.0003
      [0.805, 0.8225, 0.7925, 0.81], // better, but only just: p 0.046, adjusted ×2
      [0.79, 0.8, 0.785, 0.79], // worse: p 0.006
      [0.81, 0.8, 0.8, 0.795], // no effect: p 0.82
    ].map((values) => pairedTTest(baseline, values));
    const adjusted = holm(levels.map((test) => test.p!));
    expect(levels.map((test) => effectVerdict(test, 'maximize'))).toEqual(['better', 'better', 'worse', 'no evidence']);
    expect(levels.map((test, i) => effectVerdict({ ...test, p: adjusted[i]! }, 'maximize'))).toEqual(['better', 'no evidence', 'worse', 'no evidence']);
  });
});
