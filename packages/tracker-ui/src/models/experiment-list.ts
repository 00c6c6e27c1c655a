import { defaultMetric, experimentMetric, type ExperimentMetric, type ExperimentSummary, type ResultsReader } from '@tlab/core';
import type { ExperimentContexts } from '../experiment-context.ts';

export interface ExperimentListItem extends ExperimentSummary {
  readonly description: string;
  /** What `best` is the best of: each experiment is scored by its own spec's metric. */
  readonly metric: ExperimentMetric;
}

/** Every experiment, most recently active first. */
export function listExperiments(reader: ResultsReader, contexts: ExperimentContexts): ExperimentListItem[] {
  const summaries = reader.listExperiments();
  const byMetric = new Map([[`${experimentMetric(defaultMetric).key}:${defaultMetric.goal}`, new Map(summaries.map((s) => [s.id, s]))]]);
  return summaries.map((summary) => {
    const { metric, description } = contexts.load(summary.id);
    // The store ranks all experiments by one metric per call; one call per distinct metric covers them all.
    const key = `${metric.key}:${metric.goal}`;
    let ranked = byMetric.get(key);
    if (ranked === undefined) {
      ranked = new Map(reader.listExperiments({ metric: metric.key, goal: metric.goal }).map((s) => [s.id, s]));
      byMetric.set(key, ranked);
    }
    return { ...summary, best: ranked.get(summary.id)?.best ?? null, description, metric };
  });
}
