import type { EpochRecord } from '../store/store-types.ts';
import type { Spec } from '../spec/schema.ts';

/**
 * The one home of the metric protocol: which per-epoch metrics exist, the keys a finished run
 * stores them under (`final_val_accuracy`, `best_val_loss`, `best_epoch`), and which epoch is best.
 * Training writes these keys, the store ranks by them, the CLI and the UI read them.
 */
export type MetricName = Spec['metric']['name'];
export type MetricGoal = Spec['metric']['goal'];
export interface MetricSpec {
  readonly name: MetricName;
  readonly goal: MetricGoal;
}

export const defaultMetric: MetricSpec = { name: 'val_accuracy', goal: 'maximize' };

const fieldOf = { loss: 'loss', accuracy: 'accuracy', val_loss: 'valLoss', val_accuracy: 'valAccuracy' } as const;

export function metricValue(epoch: EpochRecord, name: MetricName): number {
  return epoch[fieldOf[name]];
}

/** Value at the last epoch. */
export const finalKey = (name: MetricName): string => `final_${name}`;
/** Value at the best epoch; runs record it for the validation metrics. */
export const bestKey = (name: MetricName): string => `best_${name}`;
/** The epoch (1-based) that is best by the experiment's metric. */
export const bestEpochKey = 'best_epoch';

/** Losses improve downwards, accuracies upwards: Keras's `mode: auto`, for a monitor without a goal. */
export const kerasAutoGoal = (name: MetricName): MetricGoal => (name.endsWith('loss') ? 'minimize' : 'maximize');

export function improves(goal: MetricGoal, candidate: number, best: number, minDelta = 0): boolean {
  return goal === 'minimize' ? candidate < best - minDelta : candidate > best + minDelta;
}

/** Index of the best epoch by `metric`; the earliest wins ties, as Keras's ModelCheckpoint does. */
export function bestEpochIndex(epochs: readonly EpochRecord[], metric: MetricSpec): number {
  let best = 0;
  epochs.forEach((epoch, i) => {
    if (improves(metric.goal, metricValue(epoch, metric.name), metricValue(epochs[best]!, metric.name))) best = i;
  });
  return best;
}

/** How an experiment is scored: its spec's `metric`, mapped onto the keys a finished run stores. */
export interface ExperimentMetric extends MetricSpec {
  readonly finalKey: string;
  /** Null for training metrics, which runs record only at the last epoch. */
  readonly bestKey: string | null;
  /** What experiments are ranked by: the best value where there is one, else the final one. */
  readonly key: string;
}

export function experimentMetric({ name, goal }: MetricSpec): ExperimentMetric {
  const best = name.startsWith('val_') ? bestKey(name) : null;
  return { name, goal, finalKey: finalKey(name), bestKey: best, key: best ?? finalKey(name) };
}

/**
 * The end-of-run metrics of an epoch history: each validation metric's best value over the epochs
 * (in its own direction, and the experiment metric's at its best epoch), the last epoch's values,
 * and the best epoch by the experiment's metric.
 */
export function historyMetrics(history: readonly EpochRecord[], metric: MetricSpec): Record<string, number> {
  const best = history[bestEpochIndex(history, metric)]!;
  const last = history[history.length - 1]!;
  const metrics: Record<string, number> = { [bestEpochKey]: best.epoch };
  for (const name of ['val_accuracy', 'val_loss'] as const) {
    metrics[bestKey(name)] = metricValue(history[bestEpochIndex(history, { name, goal: kerasAutoGoal(name) })]!, name);
  }
  if (metric.name.startsWith('val_')) metrics[bestKey(metric.name)] = metricValue(best, metric.name);
  for (const name of Object.keys(fieldOf) as MetricName[]) metrics[finalKey(name)] = metricValue(last, name);
  return metrics;
}

/**
 * Where a finished run's time went, stored with its metrics under these keys. In a planned group
 * the first variant pays for the frozen pass every sibling then reads from the cache (46.9 s of a
 * 47 s run were features on horse-or-human), so runs are compared by `train_seconds`, the time
 * not spent waiting for features; `wall_seconds` stays the elapsed time.
 */
export const timingKeys = {
  wall: 'wall_seconds',
  train: 'train_seconds',
  features: 'feature_seconds',
  head: 'head_seconds',
  imagesPerSecond: 'train_images_per_second',
} as const;

export interface RunTimings {
  /** Elapsed, from the head's construction to the last epoch's validation. */
  readonly wallSeconds: number;
  /** Waiting for frozen-part features: computed (the group's shared pass) or read from the cache. */
  readonly featureSeconds: number;
  /** Inside the head's training and validation steps. */
  readonly headSeconds: number;
  /** Images the head trained on, over the epochs' summed seconds. */
  readonly trainedImages: number;
  readonly epochSeconds: number;
}

export function timingMetrics(t: RunTimings): Record<string, number> {
  return {
    [timingKeys.wall]: t.wallSeconds,
    [timingKeys.train]: t.wallSeconds - t.featureSeconds,
    [timingKeys.features]: t.featureSeconds,
    [timingKeys.head]: t.headSeconds,
    [timingKeys.imagesPerSecond]: t.trainedImages / t.epochSeconds,
  };
}

/**
 * The class a model predicts from its per-class probabilities: the most probable, the first on a
 * tie. For a sigmoid's [1 − p, p] that is class 1 exactly when p > 0.5, as Keras's binary accuracy counts.
 */
export function predictedClass(probabilities: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  return best;
}
