import { ConfusionShapeError } from './store-errors.ts';
import type { Confusion } from './store-types.ts';

/** Diagonal over row sum for each true class; 0/0 gives NaN for a class with no validation images. */
export function perClassAccuracy(runId: string, { classes, matrix }: Confusion): number[] {
  const size = classes.length;
  if (matrix.length !== size) throw new ConfusionShapeError(runId, size, `it has ${matrix.length} rows`);
  return matrix.map((row, i) => {
    if (row.length !== size) throw new ConfusionShapeError(runId, size, `row ${i} has ${row.length} columns`);
    const total = row.reduce((sum, count) => sum + count, 0);
    return row[i]! / total;
  });
}
