import { regularizedIncompleteBeta } from './incomplete-beta.ts';
import { logBeta } from './log-gamma.ts';

/**
 * The Student t distribution with `df` degrees of freedom: the reference distribution of a mean
 * over a handful of seeds, whose spread is itself estimated. Its tail is ½ I_x(df/2, ½) with
 * x = df / (df + t²) (Numerical Recipes, 3rd ed., §6.14).
 */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  const tail = upperTail(Math.abs(t), df);
  return t < 0 ? tail : 1 - tail;
}

/**
 * The t with P(T ≤ t) = p: the multiplier of a confidence interval's half-width. Solved by Newton's
 * method kept inside a bisection bracket (NR's `rtsafe`), on ln P(T ≥ t) in the tail, where that
 * is close to linear in ln t, and on P(0 ≤ T ≤ t) near the centre, where the tail is close to ½
 * and its difference from p would lose the digits that fix a small t.
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`t quantile needs p in [0, 1], got ${p}`);
  if (p === 0 || p === 1) return p === 0 ? -Infinity : Infinity;
  if (p === 0.5) return 0;
  // Exact for p ≥ ½ (Sterbenz), so the upper quantiles cost no precision.
  const tail = p < 0.5 ? p : 1 - p;
  const t = tail < 0.25 ? solveTail(tail, df) : solveCentre(0.5 - tail, df);
  return p < 0.5 ? -t : t;
}

function checkDf(df: number): void {
  if (!(df > 0 && Number.isFinite(df))) throw new RangeError(`t distribution needs df > 0, got ${df}`);
}

interface BetaArguments {
  readonly x: number;
  readonly y: number;
  readonly logX: number;
  readonly logY: number;
}

/**
 * x = df / (df + t²), y = 1 − x and their logarithms, each to full relative precision and without
 * overflowing t², however large or small |t| is (t > 0). Far out, x underflows to 0 while ln x,
 * and the tail x^(df/2) with it, are still representable: the quantile of p = 1e-300 at df = 1 is 3e299.
 */
function betaArguments(t: number, df: number): BetaArguments {
  const ratio = Math.sqrt(df) / t;
  if (ratio < 1) {
    const r = ratio * ratio;
    return { x: r / (1 + r), y: 1 / (1 + r), logX: 2 * Math.log(ratio) - Math.log1p(r), logY: -Math.log1p(r) };
  }
  const s = 1 / (ratio * ratio);
  return { x: 1 / (1 + s), y: s / (1 + s), logX: -Math.log1p(s), logY: Math.log(s) - Math.log1p(s) };
}

/** P(T ≥ t) for t ≥ 0. */
function upperTail(t: number, df: number): number {
  if (t === Infinity) return 0;
  if (t === 0) return 0.5;
  const { x, y, logX, logY } = betaArguments(t, df);
  return regularizedIncompleteBeta(df / 2, 0.5, x, y, logX, logY) / 2;
}

/** P(0 ≤ T ≤ t) for t ≥ 0. */
function centralMass(t: number, df: number): number {
  if (t === 0) return 0;
  const { x, y, logX, logY } = betaArguments(t, df);
  return regularizedIncompleteBeta(0.5, df / 2, y, x, logY, logX) / 2;
}

/** The density, (df / (df + t²))^((df + 1)/2) / (√df · B(df/2, ½)). */
function density(t: number, df: number): number {
  if (t === 0) return Math.exp(-0.5 * Math.log(df) - logBeta(df / 2, 0.5));
  return Math.exp(((df + 1) / 2) * betaArguments(t, df).logX - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/** The t > 0 with P(T ≥ t) = tail, for tail < ¼. */
function solveTail(tail: number, df: number): number {
  const logTail = Math.log(tail);
  return solveDecreasing((t) => {
    const upper = upperTail(t, df);
    return { value: Math.log(upper) - logTail, slope: -density(t, df) / upper };
  });
}

/** The t > 0 with P(0 ≤ T ≤ t) = mass, for mass ≤ ¼ (so t ≤ 1 at any df). */
function solveCentre(mass: number, df: number): number {
  return solveDecreasing((t) => ({ value: mass - centralMass(t, df), slope: -density(t, df) }));
}

/**
 * The root in t > 0 of a function that decreases from positive at t = 0: a bracket found by
 * doubling from t = 1, then Newton steps, replaced by bisection whenever one would leave the
 * bracket (or is NaN, as where the tail underflows). Stops when a step no longer moves t by
 * more than a few ulps.
 */
function solveDecreasing(f: (t: number) => { value: number; slope: number }): number {
  let low = 0;
  let high = 1;
  while (f(high).value > 0) {
    low = high;
    high *= 2;
  }
  let t = (low + high) / 2;
  for (let step = 0; step < 200; step++) {
    const { value, slope } = f(t);
    if (value === 0) return t;
    if (value > 0) low = t;
    else high = t;
    const newton = t - value / slope;
    const next = newton > low && newton < high ? newton : (low + high) / 2;
    if (Math.abs(next - t) <= 4 * Number.EPSILON * t) return next;
    t = next;
  }
  return t;
}
