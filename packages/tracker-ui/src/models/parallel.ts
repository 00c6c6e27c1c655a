import { formatValue, type ResultsReader } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import type { ExperimentMetric } from '@tlab/core';
import { spansDecades } from './log-scale.ts';

export interface ParallelAxis {
  readonly key: string;
  /**
   * Numbers drawn from a range get a value axis, a logarithmic one when they span decades; a grid's
   * few levels and non-numbers (names, presets) a category axis.
   */
  readonly type: 'value' | 'log' | 'category';
  readonly levels?: readonly string[];
}

export interface ParallelData {
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  /** Swept factors, then the metric. */
  readonly axes: readonly ParallelAxis[];
  /** Runs with a value of the metric, and how many of them are drawn (the best ones). */
  readonly total: number;
  readonly rows: ReadonlyArray<{ readonly id: string; readonly values: ReadonlyArray<number | string> }>;
}

/** More lines than this turn the chart into a solid block; the best ones are the ones worth seeing. */
const maxLines = 2000;
/** A grid lists a handful of values per parameter; evenly spaced categories read better than a value axis there. */
const maxCategories = 12;

export function loadParallel(reader: ResultsReader, context: ExperimentContext): ParallelData {
  const { record, metric, factors } = context;
  const { total, rows } = reader.runMetrics({ experimentId: record.id, metricKey: metric.key, descending: metric.goal === 'maximize', limit: maxLines });
  const axes = factors.map((key): ParallelAxis => {
    const values = rows.map((row) => row.params[key]);
    const distinct = [...new Set(values)];
    const numeric = distinct.every((v) => typeof v === 'number');
    if (numeric && distinct.length > maxCategories) return { key, type: spansDecades(distinct as number[]) ? 'log' : 'value' };
    const ordered = numeric ? (distinct as number[]).sort((a, b) => a - b) : distinct;
    return { key, type: 'category', levels: ordered.map((value) => formatValue(value)) };
  });
  return {
    experiment: { id: record.id, name: record.name },
    metric,
    axes: [...axes, { key: metric.key, type: 'value' }],
    total,
    rows: rows.map((row) => ({
      id: row.id,
      values: [...axes.map((axis) => (axis.type === 'category' ? formatValue(row.params[axis.key]) : (row.params[axis.key] as number))), row.value],
    })),
  };
}
