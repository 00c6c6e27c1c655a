export { openStore } from './open-store.ts';
export { inspectStore, type StoreHealth } from './inspect-store.ts';
export type { OpenStoreOptions } from './open-store.ts';
export * from './store-errors.ts';
export * from './store-types.ts';
export type { AblationQueries, LevelStats, PairStats } from './ablation-query.ts';
export {
  filterOperators,
  leaderboardFixedColumns,
  type FilterOperator,
  type LeaderboardColumn,
  type LeaderboardFilter,
  type LeaderboardFixedColumn,
  type LeaderboardMember,
  type LeaderboardQuery,
  type LeaderboardResult,
  type LeaderboardRow,
  type MetricSummary,
} from './leaderboard-query.ts';
export type { RunMetricRow, RunMetrics, RunMetricsQuery } from './parallel-query.ts';
export type { FinishedRun, RunningRun, SweepProgress } from './progress-query.ts';
export { openResultsReader, type ExperimentRecord, type ResultsReader } from './results-reader.ts';
