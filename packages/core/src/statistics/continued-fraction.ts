const tiny = 1e-300;
const tolerance = 1e-16;
const maxTerms = 10_000;

/**
 * The value of a1 / (b1 + a2 / (b2 + a3 / (b3 + …))) by the modified Lentz method (Numerical
 * Recipes, 3rd ed., §5.2): it runs forwards term by term, so it needs no guess of how many terms
 * are enough, and the `tiny` floor keeps a vanishing partial denominator from dividing by zero.
 * `term(n)` gives [a_n, b_n] for n = 1, 2, …. The incomplete beta and gamma functions both need it.
 */
export function continuedFraction(term: (n: number) => readonly [a: number, b: number]): number {
  let value = tiny;
  let c = value;
  let d = 0;
  for (let n = 1; n <= maxTerms; n++) {
    const [a, b] = term(n);
    d = b + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    value *= delta;
    if (Math.abs(delta - 1) <= tolerance) return value;
  }
  // Unreachable for the arguments this module passes (a few hundred terms at most); loud if not.
  throw new Error(`continued fraction did not converge in ${maxTerms} terms`);
}
