import { describe, expect, it } from 'vitest';
import { sweepParameterSchema, type SweepParameter } from '../spec/schema.ts';
import { distributionOf, randomChoices } from './sweep-choices.ts';

/** `count` draws of one parameter written as in a spec (validated by the schema, so a bad test spec fails loudly). */
function draws(written: Record<string, unknown>, count = 2000, seed = 7): number[] {
  const spec: SweepParameter = sweepParameterSchema.parse(written);
  const parameter = { key: 'x', path: ['x'], spec, distribution: distributionOf(spec, () => true), node: ['sweep', 'parameters', 'x'] };
  return [...randomChoices([parameter], seed, count)].map(([choice]) => choice!.value as number);
}

const mean = (xs: readonly number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
const std = (xs: readonly number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const share = (xs: readonly number[], test: (x: number) => boolean) => xs.filter(test).length / xs.length;
const multiplesOf = (q: number) => (x: number) => Math.abs(x / q - Math.round(x / q)) < 1e-9;

describe('random draws, as W&B defines each distribution', () => {
  it('uniform: spread over [min, max)', () => {
    const xs = draws({ distribution: 'uniform', min: -2, max: 3 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...xs)).toBeLessThan(3);
    expect(share(xs, (x) => x < 0.5)).toBeCloseTo(0.5, 1);
  });

  it('int_uniform: every integer from min to max, both ends included', () => {
    const xs = draws({ distribution: 'int_uniform', min: 2, max: 6 });
    expect(xs.every(Number.isInteger)).toBe(true);
    expect([...new Set(xs)].sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('q_uniform: round(X / q) · q, written as the multiple itself', () => {
    const xs = draws({ distribution: 'q_uniform', min: 0, max: 1, q: 0.1 });
    expect(xs.every(multiplesOf(0.1))).toBe(true);
    // 0.30000000000000004 would be a multiple too, but not one a user wrote.
    expect(xs.every((x) => /^(0|1)(\.\d)?$/.test(String(x)))).toBe(true);
    expect(new Set(xs).size).toBe(11);
  });

  it('q defaults to 1', () => {
    expect(draws({ distribution: 'q_uniform', min: 0.5, max: 4.5 }).every(Number.isInteger)).toBe(true);
  });

  it('log_uniform: exp(X) for X uniform in [min, max), so min and max are natural logs', () => {
    const xs = draws({ distribution: 'log_uniform', min: Math.log(1e-4), max: Math.log(1e-2) });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4 * (1 - 1e-12));
    expect(Math.max(...xs)).toBeLessThan(1e-2);
    // Log-uniform: half the draws below the geometric middle, 1e-3 (uniform would put 9% there).
    expect(share(xs, (x) => x < 1e-3)).toBeCloseTo(0.5, 1);
  });

  it('log_uniform_values: log-uniform between the values min and max', () => {
    const xs = draws({ distribution: 'log_uniform_values', min: 1e-4, max: 1e-2 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4 * (1 - 1e-12));
    expect(Math.max(...xs)).toBeLessThan(1e-2);
    expect(share(xs, (x) => x < 1e-3)).toBeCloseTo(0.5, 1);
  });

  it('q_log_uniform_values: log-uniform values rounded to multiples of q', () => {
    const xs = draws({ distribution: 'q_log_uniform_values', min: 8, max: 512, q: 8 });
    expect(xs.every(multiplesOf(8))).toBe(true);
    expect(Math.min(...xs)).toBe(8);
    expect(Math.max(...xs)).toBe(512);
    expect(share(xs, (x) => x <= 64)).toBeCloseTo(0.5, 1);
  });

  it('normal: mean mu and standard deviation sigma, 0 and 1 by default', () => {
    const xs = draws({ distribution: 'normal', mu: 3, sigma: 2 });
    expect(mean(xs)).toBeCloseTo(3, 0);
    expect(std(xs)).toBeCloseTo(2, 0);
    const standard = draws({ distribution: 'normal' });
    expect(mean(standard)).toBeCloseTo(0, 1);
    expect(std(standard)).toBeCloseTo(1, 1);
    expect(share(standard, (x) => Math.abs(x) < 1)).toBeCloseTo(0.68, 1);
  });

  it('q_normal and q_log_normal: rounded to multiples of q', () => {
    expect(draws({ distribution: 'q_normal', mu: 50, sigma: 10, q: 5 }).every(multiplesOf(5))).toBe(true);
    expect(draws({ distribution: 'q_log_normal', mu: 3, sigma: 1, q: 2 }).every(multiplesOf(2))).toBe(true);
  });

  it('log_normal: exp(N(mu, sigma))', () => {
    const xs = draws({ distribution: 'log_normal', mu: -2, sigma: 0.5 });
    expect(xs.every((x) => x > 0)).toBe(true);
    expect(mean(xs.map(Math.log))).toBeCloseTo(-2, 1);
    expect(std(xs.map(Math.log))).toBeCloseTo(0.5, 1);
  });

  it('values with probabilities: each value as often as its probability, a zero never', () => {
    const xs = draws({ values: [1, 2, 3], probabilities: [0.2, 0, 0.8] });
    expect(share(xs, (x) => x === 1)).toBeCloseTo(0.2, 1);
    expect(share(xs, (x) => x === 3)).toBeCloseTo(0.8, 1);
    expect(xs).not.toContain(2);
  });

  it('a value: the same in every draw', () => {
    expect(new Set(draws({ value: 4 }, 50))).toEqual(new Set([4]));
  });

  it.each([
    { distribution: 'uniform', min: 0, max: 1 },
    { distribution: 'q_log_uniform_values', min: 1, max: 100, q: 2 },
    { distribution: 'log_normal' },
    { values: [1, 2, 3], probabilities: [0.3, 0.3, 0.4] },
  ])('draws the same numbers from the same seed, others from another: %j', (written) => {
    expect(draws(written, 50, 1)).toEqual(draws(written, 50, 1));
    expect(draws(written, 50, 2)).not.toEqual(draws(written, 50, 1));
  });
});

describe('distributionOf', () => {
  it('takes the named distribution, else int_uniform for bounds written as integers and uniform otherwise', () => {
    expect(distributionOf({ distribution: 'normal' }, () => true)).toBe('normal');
    expect(distributionOf({ min: 1, max: 4 }, () => true)).toBe('int_uniform');
    expect(distributionOf({ min: 1, max: 4 }, (end) => end === 'min')).toBe('uniform');
    expect(distributionOf({ values: [1, 2] }, () => true)).toBeUndefined();
  });
});
