import { normalCdf } from './normal-distribution.ts';
import { checkPairs } from './paired-samples.ts';

/** The Wilcoxon signed-rank test of b against a, as scipy 1.17's `wilcoxon(b, a)` computes it by default. */
export interface WilcoxonSignedRank {
  /** Matched pairs, zero differences included. */
  readonly n: number;
  /** Pairs with a non-zero difference: the ones ranked (zero_method 'wilcox' drops the rest). */
  readonly ranked: number;
  /** The smaller of the rank sums of the positive and the negative differences (scipy's two-sided statistic). */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly p: number;
  /**
   * 'exact': the statistic's null distribution over all 2^ranked sign flips of the observed ranks
   * (scipy's 'exact' without ties or zeros, its exhaustive permutation test with them);
   * 'normal': the normal approximation with the tie correction, no continuity correction.
   */
  readonly method: 'exact' | 'normal';
}

// scipy's method='auto' thresholds, on the number of pairs counting zero differences.
const exactLimit = 50;
const exactLimitWithTiesOrZeros = 13;
// The grid differences are snapped to, relative to the largest |value|: about 12 significant digits.
const snapBits = 40;

/**
 * The signed-rank test: a rank-based check that needs no normality, for when a few seeds diverge.
 *
 * It follows scipy 1.17's defaults (zero_method 'wilcox', correction False, method 'auto'): zero
 * differences are dropped before ranking, ties get average ranks. Without ties or zeros and with at
 * most 50 pairs, the p-value is exact; with ties or zeros and at most 13 pairs, scipy runs an
 * exhaustive (hence exact and deterministic) permutation test over sign flips, which is the same
 * computation over the tied ranks; otherwise the normal approximation with the tie correction.
 *
 * One step scipy leaves to its caller (its docs warn about it): the differences are snapped to a
 * grid of 2^−40 times the largest |value| before ranking, so that differences equal in exact
 * arithmetic tie. Accuracies are counts over a few hundred images, and 0.8125 − 0.8 and
 * 0.7125 − 0.7 differ in their last bits; unsnapped, they would rank as distinct (and switch the
 * method). All differences zero gives statistic 0 and p = 1 (scipy agrees up to 13 pairs, NaN above).
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): WilcoxonSignedRank {
  checkPairs(a, b);
  const differences = snappedDifferences(a, b).filter((d) => d !== 0);
  const n = a.length;
  const ranked = differences.length;
  if (ranked === 0) return { n, ranked, statistic: 0, p: 1, method: 'exact' };

  const { ranks, tieSizes } = averageRanks(differences.map(Math.abs));
  let positiveSum = 0;
  differences.forEach((d, i) => (positiveSum += d > 0 ? ranks[i]! : 0));
  const total = (ranked * (ranked + 1)) / 2;
  const statistic = Math.min(positiveSum, total - positiveSum);

  const tiesOrZeros = ranked < n || tieSizes.some((size) => size > 1);
  if (n <= (tiesOrZeros ? exactLimitWithTiesOrZeros : exactLimit)) return { n, ranked, statistic, p: exactP(ranks, positiveSum), method: 'exact' };

  const tieCorrection = tieSizes.reduce((sum, size) => sum + size ** 3 - size, 0);
  const variance = (ranked * (ranked + 1) * (2 * ranked + 1) - tieCorrection / 2) / 24;
  const z = (positiveSum - total / 2) / Math.sqrt(variance);
  return { n, ranked, statistic, p: 2 * normalCdf(-Math.abs(z)), method: 'normal' };
}

/** b − a rounded to a power-of-two grid, so equal multiples of the grid are exactly equal doubles. */
function snappedDifferences(a: readonly number[], b: readonly number[]): number[] {
  const scale = [...a, ...b].reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  if (!Number.isFinite(scale)) throw new RangeError('the Wilcoxon test needs finite values');
  if (scale === 0) return a.map(() => 0);
  // The smallest power of two above the scale, then 2^−40 of it.
  let exponent = Math.floor(Math.log2(scale)) + 1;
  while (2 ** exponent <= scale) exponent++;
  while (2 ** (exponent - 1) > scale) exponent--;
  const grid = 2 ** (exponent - snapBits);
  return b.map((value, i) => Math.round((value - a[i]!) / grid) * grid);
}

/** Ranks 1..n of the values, ties sharing their average rank, with the size of each group of ties. */
function averageRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    for (let k = start; k < end; k++) ranks[order[k]!] = (start + 1 + end) / 2;
    tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/**
 * 2 · min(P(R⁺ ≤ observed), P(R⁺ ≥ observed)), capped at 1, under the 2^n equally likely sign
 * flips. The distribution is counted exactly: average ranks are multiples of ½, so twice the rank
 * sum is an integer, and the counts (at most 2^50) are exact in a double.
 */
function exactP(ranks: readonly number[], positiveSum: number): number {
  const doubled = ranks.map((rank) => 2 * rank);
  const maxSum = doubled.reduce((sum, rank) => sum + rank, 0);
  let counts = new Array<number>(maxSum + 1).fill(0);
  counts[0] = 1;
  for (const rank of doubled) {
    const next = counts.slice();
    for (let sum = rank; sum <= maxSum; sum++) next[sum]! += counts[sum - rank]!;
    counts = next;
  }
  const observed = 2 * positiveSum;
  let below = 0;
  let above = 0;
  counts.forEach((count, sum) => {
    if (sum <= observed) below += count;
    if (sum >= observed) above += count;
  });
  return Math.min(1, (2 * Math.min(below, above)) / 2 ** ranks.length);
}
