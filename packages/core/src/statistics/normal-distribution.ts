import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.ts';

/**
 * Φ(z), the standard normal CDF, through erfc(z/√2) = Q(½, z²/2): the lower tail comes out
 * directly, so Φ(−37.5) ≈ 5e-308 keeps its relative accuracy (what the Wilcoxon test's normal
 * approximation needs for its p-value); 1 − Φ(z) is Φ(−z).
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const halfSquare = (z * z) / 2;
  return z < 0 ? regularizedGammaQ(0.5, halfSquare) / 2 : 0.5 + regularizedGammaP(0.5, halfSquare) / 2;
}
