/**
 * Whether numbers are best read on a log scale: all positive and spanning two decades or more, as
 * learning rates drawn log-uniformly (or swept 1e-4, 1e-3, 1e-2) do. On a linear axis 10 of 14
 * such values sit at zero.
 */
export function spansDecades(numbers: readonly number[]): boolean {
  if (numbers.length === 0) return false;
  const min = Math.min(...numbers);
  return min > 0 && Math.max(...numbers) / min >= 100;
}
