import { factorEffects, formatValue, type ExperimentMetric, type FactorEffect, type PairedTestName, type ResultsReader } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import { badRequest } from '../http-error.ts';

export interface EffectsRequest {
  readonly test: PairedTestName;
  readonly alpha: number;
}

export interface Effects {
  readonly experiment: { readonly id: number; readonly name: string };
  readonly metric: ExperimentMetric;
  readonly test: PairedTestName;
  readonly alpha: number;
  /** Per factor, each level against the spec's base value, paired over seeds; p-values Holm-adjusted over all of them. */
  readonly factors: ReadonlyArray<FactorEffect & { readonly labels: readonly string[] }>;
}

const tests: readonly PairedTestName[] = ['paired-t', 'wilcoxon'];

export function parseEffectsRequest(query: Readonly<Record<string, string>>): EffectsRequest {
  const test = (query['test'] ?? 'paired-t') as PairedTestName;
  if (!tests.includes(test)) throw badRequest(`test: "${query['test']}" is not a paired test; expected one of ${tests.join(', ')}`);
  const alpha = query['alpha'] === undefined ? 0.05 : Number(query['alpha']);
  if (!(alpha > 0 && alpha < 1)) throw badRequest(`alpha: "${query['alpha']}" is not a significance level; expected a number between 0 and 1, e.g. 0.05`);
  return { test, alpha };
}

/**
 * Effects of every swept factor over the experiment's done runs, by its metric: the ablation page's
 * statistics and their JSON twin. Single-seed comparisons use McNemar's test on the two runs' stored
 * validation predictions (images matched by content hash).
 */
export function loadEffects(reader: ResultsReader, context: ExperimentContext, request: EffectsRequest): Effects {
  const { record, metric } = context;
  const runs = reader.runValues(record.id, metric.key).filter((run) => Number.isFinite(run.value));
  const factors = factorEffects({
    runs,
    factors: context.factors,
    baseValue: context.baseValue,
    goal: metric.goal,
    test: request.test,
    alpha: request.alpha,
    discordant: (baseRun, levelRun) => discordant(reader, baseRun, levelRun),
  });
  return {
    experiment: { id: record.id, name: record.name },
    metric,
    test: request.test,
    alpha: request.alpha,
    factors: factors.map((factor) => ({ ...factor, labels: factor.levels.map((level) => formatValue(level.level)) })),
  };
}

/** Images only one of the two runs classified right; undefined unless both stored predictions for the same images. */
function discordant(reader: ResultsReader, baseRun: string, levelRun: string): { onlyBase: number; onlyLevel: number } | undefined {
  const base = reader.predictionsOf(baseRun);
  const level = new Map(reader.predictionsOf(levelRun).map((p) => [p.sha256, p.predicted === p.label]));
  if (base.length === 0 || base.length !== level.size || base.some((p) => !level.has(p.sha256))) return undefined;
  let onlyBase = 0;
  let onlyLevel = 0;
  for (const p of base) {
    const baseRight = p.predicted === p.label;
    if (baseRight === level.get(p.sha256)) continue;
    if (baseRight) onlyBase++;
    else onlyLevel++;
  }
  return { onlyBase, onlyLevel };
}
