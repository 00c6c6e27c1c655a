import type { EpochRecord, ResultsReader, RunRow } from '@tlab/core';
import { badRequest, notFound } from '../http-error.ts';
import { flatten, sameJson } from './json-values.ts';

const minCompared = 2;
export const maxCompared = 8;

export interface ComparedRun {
  readonly id: string;
  readonly experiment: { readonly id: number; readonly name: string };
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly status: RunRow['status'];
  readonly backend: string | null;
  readonly metrics: Readonly<Record<string, number>>;
  readonly epochs: readonly EpochRecord[];
}

export interface ConfigRow {
  /** Dotted config path, e.g. `head.dropout`. */
  readonly path: string;
  /** One per compared run, in order; undefined where a run's config lacks the path. */
  readonly values: readonly unknown[];
}

export interface Comparison {
  readonly runs: readonly ComparedRun[];
  /** Config paths whose values are not all equal. */
  readonly differences: readonly ConfigRow[];
  /** The rest, for reference. */
  readonly same: readonly ConfigRow[];
}

/**
 * Run ids from `run` query values; each value may list several ids separated by commas (a
 * leaderboard seed group sends its runs as one value). Duplicates count once.
 */
export function parseRunIds(values: readonly string[]): string[] {
  const ids = [...new Set(values.flatMap((value) => value.split(/[\s,]+/)).filter((id) => id !== ''))];
  if (ids.length < minCompared || ids.length > maxCompared) {
    throw badRequest(`run: expected ${minCompared} to ${maxCompared} run ids to compare, got ${ids.length}`);
  }
  return ids;
}

export function compareHref(ids: readonly string[]): string {
  return `/compare?${ids.map((id) => `run=${encodeURIComponent(id)}`).join('&')}`;
}

export function loadComparison(reader: ResultsReader, ids: readonly string[]): Comparison {
  const rows = ids.map((id) => reader.getRun(id) ?? notFoundRun(id));
  const runs = rows.map((run): ComparedRun => {
    const experiment = reader.experiment(run.experimentId);
    return {
      id: run.id,
      experiment: { id: run.experimentId, name: experiment?.name ?? `#${run.experimentId}` },
      params: run.params,
      seed: run.seed,
      status: run.status,
      backend: run.environment?.backend ?? null,
      metrics: reader.metricsOf(run.id),
      epochs: reader.epochsOf(run.id),
    };
  });
  const configs = rows.map((run) => flatten(run.config));
  const paths = [...new Set(configs.flatMap((config) => [...config.keys()]))];
  const table = paths.map((path): ConfigRow => ({ path, values: configs.map((config) => config.get(path)) }));
  const differs = (row: ConfigRow): boolean => row.values.some((value) => !sameJson(value, row.values[0]));
  return { runs, differences: table.filter(differs), same: table.filter((row) => !differs(row)) };
}

function notFoundRun(id: string): never {
  throw notFound(`run ${id}`);
}
