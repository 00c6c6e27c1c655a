import { createAblationQueries, type AblationQueries } from './ablation-query.ts';
import { createLeaderboardQuery, type LeaderboardQuery, type LeaderboardResult } from './leaderboard-query.ts';
import { connectForReading } from './open-store.ts';
import { createRunMetricsQuery, type RunMetrics, type RunMetricsQuery } from './parallel-query.ts';
import { createProgressQuery, type SweepProgress } from './progress-query.ts';
import { derivedCache } from './sql-helpers.ts';
import { createStoreReader } from './store-read.ts';
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
export interface ResultsReader extends StoreReader, AblationQueries {
  experiment(id: number): ExperimentRecord | undefined;
  /** The parameter keys the experiment's variants were swept over, in spec order. */
  paramKeys(experimentId: number): readonly string[];
  leaderboard(query: LeaderboardQuery): LeaderboardResult;
  runMetrics(query: RunMetricsQuery): RunMetrics;
  progress(experimentId: number, metricKey: string, recentLimit: number): SweepProgress;
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
  const ablation = createAblationQueries(db);
  const cachedParamKeys = cached('paramKeys', (experimentId: number) => paramKeys.all(experimentId));
  return {
    ...createStoreReader(db, file),
    experiment(id) {
      const row = experiment.get(id);
      return row === undefined ? undefined : { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
    },
    paramKeys: cachedParamKeys,
    leaderboard: createLeaderboardQuery(db, cache, cachedParamKeys),
    levels: cached('levels', ablation.levels),
    pairs: cached('pairs', ablation.pairs),
    runMetrics: cached('runMetrics', createRunMetricsQuery(db)),
    progress: cached('progress', createProgressQuery(db)),
  };
}
