import type { EpochRecord } from '../store/store-types.ts';

/** One epoch's Keras-style logs; the store persists exactly this shape. */
export type EpochMetrics = EpochRecord;

/** Metric names as Keras and the spec write them. */
export type MonitoredMetric = 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy';

const fieldOf = { loss: 'loss', accuracy: 'accuracy', val_loss: 'valLoss', val_accuracy: 'valAccuracy' } as const;

export function metricValue(epoch: EpochMetrics, metric: MonitoredMetric): number {
  return epoch[fieldOf[metric]];
}

/** Losses improve downwards, accuracies upwards, as Keras's `mode: auto` decides. */
export function improves(metric: MonitoredMetric, candidate: number, best: number, minDelta = 0): boolean {
  return metric.endsWith('loss') ? candidate < best - minDelta : candidate > best + minDelta;
}

/** Index of the best epoch for `metric`; the earliest wins ties, as Keras's checkpointing does. */
export function bestEpochIndex(epochs: readonly EpochMetrics[], metric: MonitoredMetric): number {
  let best = 0;
  epochs.forEach((e, i) => {
    if (improves(metric, metricValue(e, metric), metricValue(epochs[best]!, metric))) best = i;
  });
  return best;
}
