import { continuedFraction } from './continued-fraction.ts';
import { logGamma } from './log-gamma.ts';

const seriesTolerance = 1e-17;

/**
 * The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), behind the normal
 * and χ² distributions (erfc(z) = Q(½, z²)). Each comes from whichever of the series and the
 * continued fraction converges fast at (a, x), as Numerical Recipes' `gammp`/`gammq` do (3rd ed.,
 * §6.2), and the other by subtraction, which then loses nothing because that one is at least about ½.
 */
export function regularizedGammaP(a: number, x: number): number {
  return x < a + 1 ? series(a, x) : 1 - fraction(a, x);
}

/** Q(a, x): the upper tail, computed directly where it is small so p-values near 1e-300 keep their digits. */
export function regularizedGammaQ(a: number, x: number): number {
  return x < a + 1 ? 1 - series(a, x) : fraction(a, x);
}

function prefactor(a: number, x: number): number {
  return Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** P(a, x) = e^−x x^a / Γ(a) · Σ x^n / (a (a + 1) … (a + n)). */
function series(a: number, x: number): number {
  check(a, x);
  if (x === 0) return 0;
  let term = 1 / a;
  let sum = term;
  for (let denominator = a + 1; Math.abs(term) > Math.abs(sum) * seriesTolerance; denominator++) {
    term *= x / denominator;
    sum += term;
  }
  return sum * prefactor(a, x);
}

/** Q(a, x) = e^−x x^a / Γ(a) · 1 / (x + 1 − a − 1·(1 − a) / (x + 3 − a − 2·(2 − a) / (x + 5 − a − …))). */
function fraction(a: number, x: number): number {
  check(a, x);
  if (x === Infinity) return 0;
  return prefactor(a, x) * continuedFraction((n) => (n === 1 ? [1, x + 1 - a] : [-(n - 1) * (n - 1 - a), x + 2 * n - 1 - a]));
}

function check(a: number, x: number): void {
  if (!(a > 0 && x >= 0)) throw new RangeError(`incomplete gamma needs a > 0 and x ≥ 0, got ${a}, ${x}`);
}
