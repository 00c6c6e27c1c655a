import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, shuffledIndices } from './seeded-random.ts';

describe('seeded random', () => {
  it('repeats a stream for the same seed and differs for another', () => {
    const a = Array.from({ length: 5 }, createRandom(7).next);
    const again = createRandom(7);
    expect(a).toEqual(Array.from({ length: 5 }, again.next));
    expect(a).not.toEqual(Array.from({ length: 5 }, createRandom(8).next));
  });

  it('derives independent seeds per purpose', () => {
    expect(deriveSeed(42, 'shuffle', 0)).toBe(deriveSeed(42, 'shuffle', 0));
    expect(deriveSeed(42, 'shuffle', 0)).not.toBe(deriveSeed(42, 'shuffle', 1));
    expect(deriveSeed(42, 'shuffle', 0)).not.toBe(deriveSeed(42, 'augment', 0));
  });

  it('shuffles into a permutation', () => {
    const order = shuffledIndices(100, createRandom(1));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
