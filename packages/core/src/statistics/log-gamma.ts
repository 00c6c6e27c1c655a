// Lanczos coefficients for γ = 671/128 (Numerical Recipes, 3rd ed., §6.1, `gammln`): |error| of
// ln Γ below 2e-15·max(1, |ln Γ|) for x > 0, checked against scipy.special.gammaln.
const lanczos = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4,
  0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3, -0.210264441724104883e-3,
  0.217439618115212643e-3, -0.164318106536763890e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
  0.368991826595316234e-5,
];

/** ln Γ(x) for x > 0: the normalizing constants of the t, χ² and binomial distributions, in log space so they never overflow. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let series = 0.999999999999997092;
  lanczos.forEach((coefficient, j) => (series += coefficient / (x + j + 1)));
  const shifted = x + 671 / 128;
  return (x + 0.5) * Math.log(shifted) - shifted + Math.log((2.5066282746310005 * series) / x);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export const logBeta = (a: number, b: number): number => logGamma(a) + logGamma(b) - logGamma(a + b);
