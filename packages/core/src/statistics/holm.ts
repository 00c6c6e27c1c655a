/**
 * Holm–Bonferroni adjusted p-values, in the order given: comparing every level of a sweep against
 * a baseline runs many tests, and some would come out "significant" by luck alone. Holm's step-down
 * procedure keeps the chance of any false "better"/"worse" at α while rejecting at least as much as
 * Bonferroni. With the p-values sorted ascending, the i-th (from 0) of m becomes
 * max over j ≤ i of min(1, (m − j) · p_(j)); reject where the adjusted p is below α. Tied p-values
 * get the same adjusted value whatever their order. The definition statsmodels' `multipletests(method='holm')`
 * and R's `p.adjust(method = 'holm')` use.
 */
export function holm(pValues: readonly number[]): number[] {
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`Holm needs p-values in [0, 1], got ${p}`);
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
    adjusted[index] = running;
  });
  return adjusted;
}
