import type { Spec } from '@tlab/core';

/** How an experiment is scored: its spec's `metric`, mapped onto the metric keys a finished run stores. */
export interface ExperimentMetric {
  readonly name: Spec['metric']['name'];
  readonly goal: Spec['metric']['goal'];
  /** Value at the last epoch, e.g. `final_val_accuracy`. */
  readonly finalKey: string;
  /** Best value over the epochs, e.g. `best_val_accuracy`; runs only record it for validation metrics. */
  readonly bestKey: string | null;
  /** What experiments are ranked by: the best value where there is one, else the final one. */
  readonly key: string;
}

export const defaultMetric: Spec['metric'] = { name: 'val_accuracy', goal: 'maximize' };

export function experimentMetric({ name, goal }: Spec['metric']): ExperimentMetric {
  const finalKey = `final_${name}`;
  const bestKey = name.startsWith('val_') ? `best_${name}` : null;
  return { name, goal, finalKey, bestKey, key: bestKey ?? finalKey };
}
