import { sampleStd, type LevelStats } from '@tlab/core';

export interface Pooled {
  readonly runs: number;
  readonly failed: number;
  readonly n: number;
  readonly mean: number | null;
  /** Sample standard deviation over the runs; with other factors varying it includes their effects. */
  readonly std: number | null;
  /**
   * Seed noise alone: the pooled standard deviation of runs about their own setting's mean,
   * √(Σ within-setting squares / Σ (n − 1)); null without a setting run under two seeds.
   */
  readonly seedStd: number | null;
}

/** Mean and spread of the metric over the runs of several levels together (one level, or a bin). */
export function pool(stats: readonly LevelStats[]): Pooled {
  let runs = 0;
  let failed = 0;
  let n = 0;
  let sum = 0;
  let sumOfSquares = 0;
  let withinSquares = 0;
  let withinDf = 0;
  for (const s of stats) {
    runs += s.runs;
    failed += s.failed;
    n += s.n;
    sum += s.sum;
    sumOfSquares += s.sumOfSquares;
    withinSquares += s.withinSquares;
    withinDf += s.withinDf;
  }
  return {
    runs,
    failed,
    n,
    mean: n === 0 ? null : sum / n,
    std: sampleStd(n, sum, sumOfSquares),
    seedStd: withinDf === 0 ? null : Math.sqrt(withinSquares / withinDf),
  };
}
