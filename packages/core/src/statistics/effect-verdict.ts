import type { MetricGoal } from '../metrics/run-metrics.ts';

/** What the tracker says about a variant against its baseline. */
export type EffectVerdict = 'better' | 'worse' | 'no evidence';

/** The two facts a verdict needs from a paired comparison, e.g. a `PairedTTest` with its p replaced by the Holm-adjusted one. */
export interface PairedComparison {
  /** Two-sided p-value, adjusted for the number of comparisons; null when no test was possible (one seed). */
  readonly p: number | null;
  /** Candidate minus baseline. */
  readonly meanDifference: number;
}

export interface VerdictOptions {
  /** The significance level; 0.05 unless given. */
  readonly alpha?: number;
}

/**
 * 'better' or 'worse' only when the difference is bigger than seed noise (p < α, strictly) and has
 * a direction; the metric's goal says which direction is better (accuracy up, loss down).
 * Everything else is 'no evidence', which is not evidence of no effect: more seeds may tell.
 */
export function effectVerdict({ p, meanDifference }: PairedComparison, goal: MetricGoal, { alpha = 0.05 }: VerdictOptions = {}): EffectVerdict {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (p === null || !(p < alpha) || meanDifference === 0) return 'no evidence';
  return meanDifference > 0 === (goal === 'maximize') ? 'better' : 'worse';
}
