import { runStatuses } from './store-types.ts';

/**
 * The sample standard deviation (n − 1) from a count, a sum and a sum of squares: the one formula
 * behind every "± std" Transfer Lab shows. Sum-of-squares loses precision only far from zero
 * relative to the spread; metrics live in a narrow range. Null below two values.
 */
export function sampleStd(n: number, sum: number, sumOfSquares: number): number | null {
  return n < 2 ? null : Math.sqrt(Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1)));
}

/** `sampleStd` as an SQL aggregate over the column `x`, for queries that sort or page by it. */
export const sampleStdSql = (x: string): string =>
  `CASE WHEN COUNT(${x}) > 1 THEN sqrt(MAX(0, (SUM(${x} * ${x}) - SUM(${x}) * SUM(${x}) / COUNT(${x})) / (COUNT(${x}) - 1))) END`;

/** One `COUNT(...) AS <status>` column per run status, counting the non-null `column` of `runs` rows aliased `table`. */
export const statusCountsSql = (table: string, column = '*'): string =>
  runStatuses.map((status) => `COUNT(${column}) FILTER (WHERE ${table}status = '${status}') AS ${status}`).join(', ');
