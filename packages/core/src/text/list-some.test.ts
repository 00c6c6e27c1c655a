import { describe, expect, it } from 'vitest';
import { listSome } from './list-some.ts';

describe('listSome', () => {
  it('lists up to the limit whole, and past it the first ones and how many more', () => {
    expect(listSome(['a', 'b'], 2)).toBe('a, b');
    expect(listSome(['a', 'b', 'c'], 2)).toBe('a, b, and 1 more');
    expect(listSome(Array.from({ length: 10_000 }, (_, i) => `class-${i}`), 3, '; ')).toBe('class-0; class-1; class-2; and 9997 more');
  });
});
