import type { ConfidenceInterval } from './confidence-interval.ts';
import { checkPairs } from './paired-samples.ts';
import { studentTCdf } from './student-t-distribution.ts';
import { type ConfidenceOptions, summarize } from './summarize.ts';

/**
 * A paired t-test of b against a: the two variants trained with the same seeds, so seed-to-seed
 * swings common to both cancel in the differences b − a. Matches scipy's `ttest_rel(b, a)` and its
 * `confidence_interval()`, except where the differences do not vary (see `pairedTTest`).
 */
export interface PairedTTest {
  /** Matched pairs. */
  readonly n: number;
  /** n − 1. */
  readonly df: number;
  /** Mean of b − a: positive when b scores higher. */
  readonly meanDifference: number;
  /** Sample standard deviation of the differences; null for a single pair. */
  readonly std: number | null;
  readonly standardError: number | null;
  /** meanDifference / standardError; ±Infinity when the differences are equal and not zero, null for a single pair. */
  readonly t: number | null;
  /** Two-sided p-value; null for a single pair. */
  readonly p: number | null;
  /** t interval for the mean difference; null for a single pair. */
  readonly confidenceInterval: ConfidenceInterval | null;
}

/**
 * Tests whether b differs from a on average, pairing a[i] with b[i].
 *
 * Differences that do not vary (std exactly 0) get an explicit convention where scipy divides by
 * zero: all zero means no difference at all, so t = 0 and p = 1 (scipy: t = p = NaN); equal and
 * non-zero means a difference no seed moved, so t = ±Infinity and p = 0 (scipy agrees). The interval
 * then has zero width at the mean difference (scipy agrees). A single pair gives nulls: no spread, no test.
 */
export function pairedTTest(a: readonly number[], b: readonly number[], options: ConfidenceOptions = {}): PairedTTest {
  checkPairs(a, b);
  const { n, mean: meanDifference, std, standardError, confidenceInterval } = summarize(
    b.map((value, i) => value - a[i]!),
    options,
  );
  const df = n - 1;
  if (standardError === null) return { n, df, meanDifference, std, standardError, t: null, p: null, confidenceInterval };
  const t = standardError === 0 ? (meanDifference === 0 ? 0 : Math.sign(meanDifference) * Infinity) : meanDifference / standardError;
  return { n, df, meanDifference, std, standardError, t, p: 2 * studentTCdf(-Math.abs(t), df), confidenceInterval };
}
