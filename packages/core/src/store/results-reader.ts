import { createAblationQueries, levelsOf, pairsOf, type LevelStats, type PairStats } from './ablation-query.ts';
import { createLeaderboardQuery, type LeaderboardQuery, type LeaderboardResult } from './leaderboard-query.ts';
import { connectForReading } from './open-store.ts';
import { createRunMetricsQuery, createRunValuesQuery, type RunMetricRow, type RunMetrics, type RunMetricsQuery } from './parallel-query.ts';
import { createProgressQuery, type ProgressLimits, type SweepProgress } from './progress-query.ts';
import { derivedCache } from './sql-helpers.ts';
import { createStoreReader } from './store-read.ts';
import { translatingFailures } from './store-failure.ts';
import type { StoreReader } from './store-types.ts';

export interface ExperimentRecord {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The store's reads plus the aggregate queries of the tracker UI, on one read-only connection.
 * Never writes. Aggregates are kept until another connection commits, so their results are
 * shared: callers must not mutate them.
 */
export interface ResultsReader extends StoreReader {
  experiment(id: number): ExperimentRecord | undefined;
  /** The parameter keys the experiment's variants were swept over, in spec order. */
  paramKeys(experimentId: number): readonly string[];
  /** Every metric key stored for any of the experiment's runs, sorted: what leaderboard `metric:` columns can show. */
  metricKeys(experimentId: number): readonly string[];
  leaderboard(query: LeaderboardQuery): LeaderboardResult;
  /** The metric pooled over the runs at each level of `key`, in the order the spec lists the levels. */
  levels(experimentId: number, key: string, metricKey: string): LevelStats[];
  /** Pooled per (x level, y level) combination that has runs. */
  pairs(experimentId: number, xKey: string, yKey: string, metricKey: string): PairStats[];
  runMetrics(query: RunMetricsQuery): RunMetrics;
  /** Done runs with a value of `metricKey`, in variant order. */
  runValues(experimentId: number, metricKey: string): readonly RunMetricRow[];
  progress(experimentId: number, metricKey: string, limits: ProgressLimits): SweepProgress;
}

export function openResultsReader(file: string): ResultsReader {
  // connectForReading vets the file (exists, is SQLite, has this schema) before any statement is prepared.
  const db = connectForReading(file);
  // Leaderboards are materialised into temporary tables; memory keeps them off the disk.
  db.pragma('temp_store = MEMORY');
  const cache = derivedCache(db);
  const cached =
    <A extends unknown[], R>(name: string, query: (...args: A) => R) =>
    (...args: A): R =>
      cache.get(`${name}:${JSON.stringify(args)}`, () => query(...args));

  const experiment = db.prepare<[number], { id: number; name: string; created_at: string; updated_at: string }>(
    'SELECT id, name, created_at, updated_at FROM experiments WHERE id = ?',
  );
  const paramKeys = db
    .prepare<[number], string>(
      `SELECT j.key FROM runs r, json_each(r.params) j WHERE r.experiment_id = ?
       GROUP BY j.key ORDER BY MIN(r.variant_index), MIN(j.id)`,
    )
    .pluck();
  // The distinct keys first, then one run of the experiment for each: on 10,000 runs an eighth of
  // the time of collecting the keys of every run's metrics.
  const metricKeys = db
    .prepare<[number], string>(
      `SELECT k.key FROM (SELECT DISTINCT key FROM metrics) k
       WHERE EXISTS (SELECT 1 FROM metrics m JOIN runs r ON r.id = m.run_id WHERE m.key = k.key AND r.experiment_id = ?)
       ORDER BY k.key`,
    )
    .pluck();
  const settings = cached('settings', createAblationQueries(db).settings);
  const cachedParamKeys = cached('paramKeys', (experimentId: number) => paramKeys.all(experimentId));
  return translatingFailures<ResultsReader>({
    ...createStoreReader(db, file),
    experiment(id) {
      const row = experiment.get(id);
      return row === undefined ? undefined : { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
    },
    paramKeys: cachedParamKeys,
    metricKeys: cached('metricKeys', (experimentId: number) => metricKeys.all(experimentId)),
    leaderboard: createLeaderboardQuery(db, cache, cachedParamKeys),
    levels: cached('levels', (experimentId: number, key: string, metricKey: string) => levelsOf(settings(experimentId, metricKey), key)),
    pairs: cached('pairs', (experimentId: number, xKey: string, yKey: string, metricKey: string) => pairsOf(settings(experimentId, metricKey), xKey, yKey)),
    runMetrics: cached('runMetrics', createRunMetricsQuery(db)),
    runValues: cached('runValues', createRunValuesQuery(db)),
    progress: cached('progress', createProgressQuery(db)),
  }, file);
}
