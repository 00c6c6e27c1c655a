import type { ResolvedConfig } from '@tlab/core';
import { improves, kerasAutoGoal, metricValue } from '@tlab/core';
import type { EpochMetrics } from './epoch-metrics.ts';

type EarlyStoppingConfig = NonNullable<ResolvedConfig['train']['early_stopping']>;

/** Keras's EarlyStopping: stop once `monitor` has not improved by `min_delta` for `patience` epochs. */
export class EarlyStopping {
  private best: number | undefined;
  private wait = 0;

  constructor(private readonly config: EarlyStoppingConfig) {}

  /** Returns true when training should stop after this epoch. */
  update(metrics: EpochMetrics): boolean {
    const value = metricValue(metrics, this.config.monitor);
    if (this.best === undefined || improves(kerasAutoGoal(this.config.monitor), value, this.best, this.config.min_delta)) {
      this.best = value;
      this.wait = 0;
      return false;
    }
    this.wait += 1;
    return this.wait >= this.config.patience;
  }
}
