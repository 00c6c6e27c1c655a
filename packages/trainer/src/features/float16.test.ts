import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16 } from './float16.ts';

const roundTrip = (values: number[]) => Array.from(decodeFloat16(encodeFloat16(Float32Array.from(values))));

describe('float16 codec', () => {
  it('keeps exactly representable values, signs, zeros, subnormals and infinities', () => {
    const exact = [0, -0, 1, -2, 0.5, 65504, -65504, 2 ** -14, 2 ** -24, 3 * 2 ** -24, Infinity, -Infinity, 1025];
    expect(roundTrip(exact)).toEqual(exact);
    expect(roundTrip([Number.NaN])[0]).toBeNaN();
  });

  it('rounds to nearest, ties to even, and overflows to infinity', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(roundTrip([1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -20])).toEqual([1, 1 + 2 * 2 ** -10, 1 + 2 ** -10]);
    expect(roundTrip([65520, 1e6])).toEqual([Infinity, Infinity]);
    expect(roundTrip([2 ** -26])).toEqual([0]);
  });

  it('stays within a relative error of 2^-11 across the range features take', () => {
    const values = Float32Array.from({ length: 10_000 }, (_, i) => ((i * 7919) % 10_007) / 397 + 1e-3);
    const decoded = decodeFloat16(encodeFloat16(values));
    values.forEach((v, i) => expect(Math.abs(decoded[i]! - v) / v).toBeLessThanOrEqual(2 ** -11));
  });
});
