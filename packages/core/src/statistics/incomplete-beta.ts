import { continuedFraction } from './continued-fraction.ts';
import { logBeta } from './log-gamma.ts';

/**
 * The regularized incomplete beta function I_x(a, b), behind the Student t and binomial
 * distributions. The caller passes both x and y = 1 − x: each is often known far more precisely
 * than 1 minus the other (x = ν / (ν + t²) next to 1 for small t), and a tail probability near
 * 1e-300 must not come out as the difference of two numbers near 1. It may pass their logarithms
 * too, for an x that underflows while x^a does not (ν / t² at t = 1e200).
 *
 * Numerical Recipes' `betai` (3rd ed., §6.4): the continued fraction converges fast for
 * x < (a + 1) / (a + b + 2); above that point, I_x(a, b) = 1 − I_y(b, a), whose fraction converges
 * fast instead, and whose value is then at most about ½, so the subtraction loses nothing.
 */
export function regularizedIncompleteBeta(a: number, b: number, x: number, y: number, logX = Math.log(x), logY = Math.log(y)): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0, got ${a}, ${b}`);
  if (!(x >= 0 && y >= 0 && Math.abs(x + y - 1) < 1e-12)) throw new RangeError(`incomplete beta needs x in [0, 1] and y = 1 − x, got ${x}, ${y}`);
  if (logX === -Infinity || logY === -Infinity) return logX === -Infinity ? 0 : 1;
  return x < (a + 1) / (a + b + 2) ? lowerPart(a, b, x, logX, logY) : 1 - lowerPart(b, a, y, logY, logX);
}

/** x^a y^b / (a B(a, b)) times Lentz's evaluation of the fraction (NR's `betacf`). */
function lowerPart(a: number, b: number, x: number, logX: number, logY: number): number {
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (front === 0) return 0;
  const fraction = continuedFraction((n) => {
    if (n === 1) return [1, 1];
    const j = n - 1;
    const m = Math.floor(j / 2);
    const numerator =
      j % 2 === 1 ? (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)) : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    return [numerator, 1];
  });
  return (front * fraction) / a;
}
