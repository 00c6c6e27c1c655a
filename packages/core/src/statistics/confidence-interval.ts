import { studentTQuantile } from './student-t-distribution.ts';

/** A two-sided confidence interval for a mean (or a mean difference) at `level`, e.g. 0.95. */
export interface ConfidenceInterval {
  readonly level: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * The t interval mean ± t_{(1 + level)/2, df} · standardError: with three to ten seeds the normal
 * 1.96 would understate the uncertainty of a mean whose spread is itself estimated (t_{0.975, 2} ≈ 4.30).
 * A zero standard error gives an interval of zero width.
 */
export function tInterval(mean: number, standardError: number, df: number, level: number): ConfidenceInterval {
  checkConfidence(level);
  const halfWidth = standardError === 0 ? 0 : studentTQuantile((1 + level) / 2, df) * standardError;
  return { level, lower: mean - halfWidth, upper: mean + halfWidth };
}

export function checkConfidence(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}
