/** Precision, recall and F1 of one class, from a confusion matrix (rows true, columns predicted). */
export interface ClassMetrics {
  /** Of the images predicted as this class, the share that are: NaN when none was predicted. */
  readonly precision: number;
  /** Of this class's images, the share found (the per-class accuracy): NaN for a class without images. */
  readonly recall: number;
  /** Harmonic mean of the two; NaN when either is, 0 when both are 0. */
  readonly f1: number;
  /** Images of this class. */
  readonly support: number;
}

export function classMetrics(matrix: readonly (readonly number[])[]): ClassMetrics[] {
  return matrix.map((row, k) => {
    const correct = row[k]!;
    const support = row.reduce((sum, count) => sum + count, 0);
    const predicted = matrix.reduce((sum, other) => sum + other[k]!, 0);
    const precision = correct / predicted;
    const recall = correct / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}
