import { sampleStd } from '../store/sample-statistics.ts';
import { checkConfidence, type ConfidenceInterval, tInterval } from './confidence-interval.ts';

/** The seed-to-seed picture of one metric at one setting: how many runs, where they centre, how much they spread. */
export interface SampleSummary {
  readonly n: number;
  readonly mean: number;
  /** The sample standard deviation (n − 1); null for a single value, which says nothing about spread. */
  readonly std: number | null;
  /** std / √n: how far the mean itself would move with other seeds. Null for a single value. */
  readonly standardError: number | null;
  /** The t interval for the mean; null for a single value. */
  readonly confidenceInterval: ConfidenceInterval | null;
}

export interface ConfidenceOptions {
  /** The interval's coverage; 0.95 unless given. */
  readonly confidence?: number;
}

/**
 * Summarizes finite values (at least one). The sums behind `sampleStd` are taken about the first
 * value: that changes nothing in exact arithmetic, but it spares the sum of squares the
 * cancellation of values far from zero relative to their spread, and makes identical values
 * (a deterministic run repeated) give a standard deviation of exactly 0, where numpy gives ~1e-17.
 */
export function summarize(values: readonly number[], { confidence = 0.95 }: ConfidenceOptions = {}): SampleSummary {
  checkConfidence(confidence);
  const first = values[0];
  if (first === undefined) throw new RangeError('summarize needs at least one value');
  let sum = 0;
  let sumOfSquares = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`summarize needs finite values, got ${value}`);
    sum += value - first;
    sumOfSquares += (value - first) ** 2;
  }
  const n = values.length;
  const mean = first + sum / n;
  const std = sampleStd(n, sum, sumOfSquares);
  if (std === null) return { n, mean, std, standardError: null, confidenceInterval: null };
  const standardError = std / Math.sqrt(n);
  return { n, mean, std, standardError, confidenceInterval: tInterval(mean, standardError, n - 1, confidence) };
}
