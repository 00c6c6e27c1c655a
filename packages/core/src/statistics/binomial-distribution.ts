import { regularizedIncompleteBeta } from './incomplete-beta.ts';

/**
 * P(X ≤ k) for X ~ Binomial(n, p), as I_{1−p}(n − k, k + 1): one incomplete beta instead of a sum
 * of k + 1 terms whose 2^−n factors underflow past n ≈ 1075. A fractional k counts as ⌊k⌋, as
 * scipy's `binom.cdf` does.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`binomial needs a whole number of trials, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial needs p in [0, 1], got ${p}`);
  if (Number.isNaN(k)) return NaN;
  const successes = Math.floor(k);
  if (successes < 0) return 0;
  if (successes >= n) return 1;
  return regularizedIncompleteBeta(n - successes, successes + 1, 1 - p, p);
}

/**
 * The two-sided exact binomial test of p = ½ for `k` successes in `n` trials (the sign test):
 * min(1, 2 · P(X ≤ min(k, n − k))). By the symmetry of Binomial(n, ½) this equals scipy's
 * `binomtest(k, n, 0.5).pvalue`; McNemar's exact test is this test on the discordant pairs.
 */
export function signTestP(k: number, n: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k <= n)) throw new RangeError(`sign test needs a whole k in [0, n], got ${k} of ${n}`);
  return Math.min(1, 2 * binomialCdf(Math.min(k, n - k), n, 0.5));
}
