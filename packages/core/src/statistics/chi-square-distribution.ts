import { regularizedGammaQ } from './incomplete-gamma.ts';

/**
 * The survival function P(X² ≥ x) of the χ² distribution with `df` degrees of freedom, Q(df/2, x/2):
 * McNemar's continuity-corrected test reads its p-value here with df = 1.
 */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0 && Number.isFinite(df))) throw new RangeError(`χ² needs df > 0, got ${df}`);
  if (Number.isNaN(x)) return NaN;
  return x <= 0 ? 1 : regularizedGammaQ(df / 2, x / 2);
}
