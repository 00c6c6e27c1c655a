import { createHash } from 'node:crypto';

/**
 * Every random draw in Transfer Lab comes from here so that the same spec and seed give the same
 * numbers on every machine. Streams are derived from (seed, purpose, indices) rather than advanced
 * globally, so adding a draw in one place never shifts the draws anywhere else.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/** A 32-bit seed for stream `parts` of `seed`: sha256-based, so nearby inputs give unrelated streams. */
export function deriveSeed(seed: number, ...parts: Array<string | number>): number {
  const digest = createHash('sha256').update(JSON.stringify([seed, ...parts])).digest();
  return digest.readUInt32LE(0);
}

/** mulberry32: tiny, fast and good enough for shuffles and augmentation draws. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
  };
}

/** Fisher–Yates shuffle of 0..n-1. */
export function shuffledIndices(n: number, random: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
