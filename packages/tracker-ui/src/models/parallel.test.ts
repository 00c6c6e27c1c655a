import { experimentMetric, type ResultsReader } from '@tlab/core';
import { describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment-context.ts';
import { spansDecades } from './log-scale.ts';
import { loadParallel } from './parallel.ts';

/** A random search's 14 learning rates drawn log-uniformly from 1e-5 to 1e-2, and dropouts from 0 to 0.5. */
const rows = Array.from({ length: 14 }, (_, i) => ({
  id: `r${i}`,
  params: { 'train.learning_rate': 10 ** (-5 + (3 * i) / 13), 'head.dropout': (0.5 * i) / 13 },
  value: 0.5 + i / 100,
}));
const reader = { runMetrics: () => ({ total: rows.length, rows }) } as unknown as ResultsReader;
const context = {
  record: { id: 1, name: 'random' },
  metric: experimentMetric({ name: 'val_accuracy', goal: 'maximize' }),
  factors: ['train.learning_rate', 'head.dropout'],
} as unknown as ExperimentContext;

describe('parallel coordinates axes', () => {
  it('puts values spanning decades on a log axis and the others on a linear one', () => {
    expect(loadParallel(reader, context).axes.map((a) => [a.key, a.type])).toEqual([
      ['train.learning_rate', 'log'],
      ['head.dropout', 'value'],
      ['best_val_accuracy', 'value'],
    ]);
  });

  it('counts two decades of positive numbers as log-scaled, and nothing with a zero or a narrower span', () => {
    expect(spansDecades([1e-4, 1e-2])).toBe(true);
    expect(spansDecades([1e-4, 9e-3])).toBe(false);
    expect(spansDecades([0, 1e-2, 1])).toBe(false);
    expect(spansDecades([])).toBe(false);
  });
});
