import { signTestP } from './binomial-distribution.ts';
import { chiSquareSf } from './chi-square-distribution.ts';

/** McNemar's test of two models scored on the same images. */
export interface McNemarTest {
  /** Exact: the smaller discordant count; χ²: (|b − c| − 1)² / (b + c). As statsmodels reports them. */
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly method: 'exact' | 'chi-square';
}

export interface McNemarOptions {
  /**
   * True (the default): the exact binomial test, right at any count. False: the χ² approximation
   * with the continuity correction, the textbook form for large counts.
   */
  readonly exact?: boolean;
}

/**
 * Whether two models differ in accuracy on one test set, from the images exactly one of them gets
 * right (the ones both get right or wrong say nothing about which is better). Under the null
 * hypothesis each discordant image is a fair coin between the two, so the exact p-value is the
 * two-sided sign test of b in b + c: min(1, 2 · P(Binomial(b + c, ½) ≤ min(b, c))).
 * Matches statsmodels' `mcnemar(table, exact=True)` and `mcnemar(table, exact=False, correction=True)`,
 * except that with no discordant images the χ² form gives statistic 0 and p = 1 where statsmodels
 * divides by zero (statistic inf, p 0). Like statsmodels, the corrected χ² for b = c is 1 / (b + c), not 0.
 */
export function mcnemar(onlyARight: number, onlyBRight: number, { exact = true }: McNemarOptions = {}): McNemarTest {
  for (const count of [onlyARight, onlyBRight]) {
    if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`McNemar needs whole counts ≥ 0, got ${count}`);
  }
  const discordant = onlyARight + onlyBRight;
  if (exact) return { statistic: Math.min(onlyARight, onlyBRight), p: signTestP(onlyARight, discordant), method: 'exact' };
  if (discordant === 0) return { statistic: 0, p: 1, method: 'chi-square' };
  const statistic = (Math.abs(onlyARight - onlyBRight) - 1) ** 2 / discordant;
  return { statistic, p: chiSquareSf(statistic, 1), method: 'chi-square' };
}
