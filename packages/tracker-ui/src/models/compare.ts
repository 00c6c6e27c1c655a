import { summarize, type EpochRecord, type ResultsReader, type RunRow } from '@tlab/core';
import { badRequest, notFound } from '../http-error.ts';
import { flatten, sameJson } from './json-values.ts';

const minCompared = 2;
/** Settings (or single runs) on one chart: more colours than this stop being told apart. */
export const maxCompared = 8;
/** Runs over all compared settings: eight settings of up to 16 seeds each. */
const maxRuns = 128;

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

/** One compared setting: the runs a leaderboard seed group holds (or a single run), summarized over seeds. */
export interface ComparedSetting {
  readonly ids: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly seeds: readonly number[];
  /** Mean and sample std of each metric over the setting's runs that have it. */
  readonly metrics: Readonly<Record<string, { readonly mean: number; readonly std: number | null; readonly n: number }>>;
  /** Per epoch, mean and std over the runs that reached it: the curve and its band. */
  readonly curve: ReadonlyArray<{ readonly epoch: number; readonly n: number } & Record<'loss' | 'accuracy' | 'valLoss' | 'valAccuracy', { readonly mean: number; readonly std: number | null }>>;
}

export interface Comparison {
  /** What was compared: one entry per `run` query value (a seed group sends its runs as one value). */
  readonly settings: readonly ComparedSetting[];
  /** Every compared run, setting by setting. */
  readonly runs: readonly ComparedRun[];
  /** Config paths whose values are not all equal. */
  readonly differences: readonly ConfigRow[];
  /** The rest, for reference. */
  readonly same: readonly ConfigRow[];
}

/**
 * The settings to compare from `run` query values: each value is one setting, its run ids
 * separated by commas (a leaderboard seed group sends its runs as one value). A single value with
 * several ids compares those runs one by one (a group's seeds against each other). An id counts once.
 */
export function parseSettings(values: readonly string[]): string[][] {
  const seen = new Set<string>();
  const settings = values
    .map((value) => value.split(/[\s,]+/).filter((id) => id !== '' && !seen.has(id) && seen.add(id)))
    .filter((ids) => ids.length > 0);
  const compared = settings.length === 1 ? settings[0]!.map((id) => [id]) : settings;
  if (compared.length < minCompared || compared.length > maxCompared) {
    throw badRequest(`run: expected ${minCompared} to ${maxCompared} runs or seed groups to compare, got ${compared.length}`);
  }
  if (seen.size > maxRuns) throw badRequest(`run: expected at most ${maxRuns} runs in all, got ${seen.size}`);
  return compared;
}

/** A link comparing these settings (each a list of run ids). */
export function compareHref(settings: ReadonlyArray<readonly string[]>): string {
  return `/compare?${settings.map((ids) => `run=${encodeURIComponent(ids.join(','))}`).join('&')}`;
}

export function loadComparison(reader: ResultsReader, settings: ReadonlyArray<readonly string[]>): Comparison {
  const ids = settings.flat();
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
  const byId = new Map(runs.map((run) => [run.id, run]));
  const compared = settings.map((setting) => summarizeSetting(setting.map((id) => byId.get(id)!)));
  // One column per setting: a setting's config is its first run's, with the seeds listed.
  const first = settings.map((setting) => rows[ids.indexOf(setting[0]!)]!);
  const configs = first.map((run, i) => {
    const config = flatten(run.config);
    config.set('seed', compared[i]!.seeds.length === 1 ? compared[i]!.seeds[0] : compared[i]!.seeds);
    return config;
  });
  const paths = [...new Set(configs.flatMap((config) => [...config.keys()]))];
  const table = paths.map((path): ConfigRow => ({ path, values: configs.map((config) => config.get(path)) }));
  const differs = (row: ConfigRow): boolean => row.values.some((value) => !sameJson(value, row.values[0]));
  return { settings: compared, runs, differences: table.filter(differs), same: table.filter((row) => !differs(row)) };
}

function summarizeSetting(runs: readonly ComparedRun[]): ComparedSetting {
  const stat = (values: readonly number[]) => {
    const finite = values.filter(Number.isFinite);
    if (finite.length === 0) return { mean: Number.NaN, std: null, n: 0 };
    const { mean, std, n } = summarize(finite);
    return { mean, std, n };
  };
  // A metric over the runs that have it (a failed or running run has none yet); `n` says how many.
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))];
  const epochs = [...new Set(runs.flatMap((run) => run.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
  return {
    ids: runs.map((run) => run.id),
    params: Object.fromEntries(Object.entries(runs[0]!.params).filter(([key]) => key !== 'seed')),
    seeds: runs.map((run) => run.seed),
    metrics: Object.fromEntries(keys.map((key) => [key, stat(runs.flatMap((run) => (key in run.metrics ? [run.metrics[key]!] : [])))])),
    curve: epochs.map((epoch) => {
      const reached = runs.flatMap((run) => run.epochs.filter((e) => e.epoch === epoch));
      const field = (name: 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy') => {
        const { mean, std } = stat(reached.map((e) => e[name]));
        return { mean, std };
      };
      return { epoch, n: reached.length, loss: field('loss'), accuracy: field('accuracy'), valLoss: field('valLoss'), valAccuracy: field('valAccuracy') };
    }),
  };
}

function notFoundRun(id: string): never {
  throw notFound(`run ${id}`);
}
