import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeExpected, describeValue } from './describe-expected.ts';

describe('describeExpected', () => {
  it('states every bound of a number, integer bounds inclusively', () => {
    expect(describeExpected(z.number().min(0).lt(1))).toBe('a number at least 0 and less than 1');
    expect(describeExpected(z.number().positive())).toBe('a number greater than 0');
    expect(describeExpected(z.number().int().positive().max(4096))).toBe('an integer from 1 to 4096');
    expect(describeExpected(z.number().int())).toBe('an integer');
  });

  it('lists enum values, alternatives and list shapes', () => {
    expect(describeExpected(z.enum(['avg', 'max']).default('avg'))).toBe('one of: avg, max');
    expect(describeExpected(z.union([z.enum(['none', 'light']), z.strictObject({})]))).toBe('one of: none, light or a mapping');
    expect(describeExpected(z.tuple([z.number(), z.number()]).nullable())).toBe('a list of 2 numbers or null');
    expect(describeExpected(z.array(z.string()).min(2))).toBe('a list of at least 2 strings');
    expect(describeExpected(z.string().min(1))).toBe('a non-empty string');
    expect(describeExpected(z.string().url())).toBe('a URL');
  });
});

describe('describeValue', () => {
  it('shows short values verbatim and summarises long ones', () => {
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue(1.5)).toBe('1.5');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2])).toBe('[1,2]');
    expect(describeValue(Array.from({ length: 40 }, (_, i) => i))).toBe('a list of 40 items');
    expect(describeValue({ long: 'x'.repeat(80) })).toBe('a mapping');
  });
});
