import type Database from 'better-sqlite3';
import type { RunStatus } from './store-types.ts';
import { cachedStatements, jsonPathOfKey, type DerivedCache } from './sql-helpers.ts';
import { sampleStdSql } from './sample-statistics.ts';
import { timingKeys } from '../metrics/run-metrics.ts';

/** Columns of the leaderboard that are not swept parameters. */
export const leaderboardFixedColumns = ['index', 'id', 'seed', 'status', 'n', 'final', 'best', 'epochs', 'time'] as const;
export type LeaderboardFixedColumn = (typeof leaderboardFixedColumns)[number];
/**
 * A fixed column, `param:<key>` for the swept parameter `<key>` (e.g. `param:head.dropout`), or
 * `metric:<key>` for the stored run metric `<key>` (e.g. `metric:wall_seconds`).
 */
export type LeaderboardColumn = LeaderboardFixedColumn | `param:${string}` | `metric:${string}`;

export const filterOperators = ['=', '!=', '<=', '>=', '<', '>'] as const;
export type FilterOperator = (typeof filterOperators)[number];

export interface LeaderboardFilter {
  readonly column: LeaderboardColumn;
  readonly operator: FilterOperator;
  /**
   * Compared with the column's SQL value; a parameter's JSON true/false compares as 1/0, null means
   * "not set". Text compares ignoring (ASCII) case, and on `id`, `=` and `!=` ask whether the id
   * starts with the value, as git takes an abbreviated hash.
   */
  readonly value: string | number | boolean | null;
}

export interface LeaderboardQuery {
  readonly experimentId: number;
  /** Metric keys shown as the final and the best value, e.g. `final_val_accuracy`, `best_val_accuracy`. */
  readonly finalKey: string;
  readonly bestKey: string | null;
  /** Stored metrics returned in each row's `metrics`; a `metric:` column the sort or a filter names is added. */
  readonly metricKeys?: readonly string[];
  /** One row per set of runs whose configs differ only in `seed`, with mean ± std over them. */
  readonly groupSeeds: boolean;
  readonly sort: LeaderboardColumn;
  readonly descending: boolean;
  readonly filters: readonly LeaderboardFilter[];
  /** null returns every row (the CSV export). */
  readonly limit: number | null;
  readonly offset: number;
}

export interface MetricSummary {
  readonly mean: number | null;
  /** Sample standard deviation; null below two values. */
  readonly std: number | null;
}

export interface LeaderboardMember {
  readonly id: string;
  readonly seed: number;
  readonly status: RunStatus;
}

export interface LeaderboardRow {
  /** The run, or a group's run with the lowest id (what `sort=id` orders by). */
  readonly id: string;
  /** In variant order; one member unless seeds are grouped. */
  readonly members: readonly LeaderboardMember[];
  /** The variant's number as `tlab sweep` prints it (1-based); a group's lowest. Sorting and filtering by `index` use it too. */
  readonly index: number;
  /** Swept values; without `seed` when seeds are grouped. */
  readonly params: Record<string, unknown>;
  /** null for a group of several runs. */
  readonly seed: number | null;
  /** The members' common status, or `mixed`. */
  readonly status: RunStatus | 'mixed';
  /** Members that are done, i.e. that the metric means are over. */
  readonly n: number;
  readonly final: MetricSummary;
  readonly best: MetricSummary;
  /** Mean epochs run; for an unfinished run, the epochs recorded so far. */
  readonly epochs: number | null;
  readonly trainSeconds: number | null;
  /** The query's metric keys and those of its `metric:` columns, each as mean ± std like `final`. */
  readonly metrics: Readonly<Record<string, MetricSummary>>;
}

export interface LeaderboardResult {
  /** Rows matching the filters, over all pages. */
  readonly total: number;
  readonly rows: LeaderboardRow[];
}

interface BoardSqlRow {
  id: string;
  variant_index: number;
  params: string;
  seed: number | null;
  status: RunStatus | 'mixed';
  n: number;
  epochs: number | null;
  time: number | null;
  members: string;
}

/** A metric summarised as mean ± std: `<column>` and `<column>_std` of the board, their key bound as `@<column>Key`. */
type SummaryColumns = Record<string, number | null>;

const measured = (summaries: readonly string[]): string => `
  SELECT r.id, r.variant_index, r.params, r.config, r.seed, r.status,
    COALESCE(epochs.value, (SELECT COUNT(*) FROM epochs WHERE run_id = r.id)) AS epochs, time.value AS time
    ${summaries.map((c) => `, ${c}.value AS ${c}`).join('')}
  FROM runs r
  -- Joins rather than scalar subqueries: the aggregates below name each metric several times.
  LEFT JOIN metrics epochs ON epochs.run_id = r.id AND epochs.key = 'epochs_run'
  LEFT JOIN metrics time ON time.run_id = r.id AND time.key = @timeKey
  ${summaries.map((c) => `LEFT JOIN metrics ${c} ON ${c}.run_id = r.id AND ${c}.key = @${c}Key`).join('\n  ')}
  WHERE r.experiment_id = @experimentId`;

const perRun = (summaries: readonly string[]): string => `
  SELECT id, variant_index, params, seed, status, epochs, time${summaries.map((c) => `, ${c}, NULL AS ${c}_std`).join('')},
    status = 'done' AS n, json_array(json_array(id, seed, status)) AS members
  FROM measured`;

const perSeedGroup = (summaries: readonly string[]): string => `
  SELECT MIN(id) AS id, MIN(variant_index) AS variant_index, json_remove(MIN(params), '$.seed') AS params,
    CASE WHEN COUNT(*) = 1 THEN MIN(seed) END AS seed,
    CASE WHEN MIN(status) = MAX(status) THEN MIN(status) ELSE 'mixed' END AS status,
    AVG(epochs) AS epochs, AVG(time) AS time${summaries.map((c) => `, AVG(${c}) AS ${c}, ${sampleStdSql(c)} AS ${c}_std`).join('')},
    COUNT(*) FILTER (WHERE status = 'done') AS n,
    json_group_array(json_array(id, seed, status) ORDER BY variant_index) AS members
  FROM measured GROUP BY json_remove(config, '$.seed')`;

const fixedColumnSql: Record<LeaderboardFixedColumn, string> = {
  index: '(variant_index + 1)',
  id: 'id',
  seed: 'seed',
  status: 'status',
  n: 'n',
  final: 'final',
  best: 'best',
  epochs: 'epochs',
  time: 'time',
};

interface Board {
  readonly table: string;
  /** Swept keys copied out of `params` into plain columns (p0, p1, ...) when the board was built. */
  readonly paramColumns: ReadonlyMap<string, string>;
  /** Stored metrics summarised into columns of their own (m0, m1, ...), by key. */
  readonly metricColumns: ReadonlyMap<string, string>;
}

const metricPrefix = 'metric:';

/** The column showing the stored metric `key`. */
export const metricColumn = (key: string): LeaderboardColumn => `${metricPrefix}${key}`;

/** The stored metric a `metric:<key>` column shows; undefined for any other column. */
export function metricKeyOf(column: string): string | undefined {
  return column.startsWith(metricPrefix) ? column.slice(metricPrefix.length) : undefined;
}

/**
 * Each (experiment, metrics, grouping) board is computed once into a temporary table of the
 * connection (the DB file stays read-only), with every swept parameter and every metric asked for
 * in a column of its own, and kept until the DB changes; each request then filters, sorts and pages
 * that table in SQL. Aggregating ten thousand runs takes a tenth of a second; a page of the table a
 * few milliseconds. A metric costs a join only on the boards that show it: summarising every stored
 * metric into every board made the common, metric-less board half again as slow to build.
 *
 * The page query is built from fixed fragments: column names come from a fixed table or are
 * generated (p0, m0, ...), and every user-supplied value, parameter paths and metric keys included,
 * is bound, so nothing a request sends is spliced into SQL.
 */
export function createLeaderboardQuery(
  db: Database.Database,
  cache: DerivedCache,
  paramKeys: (experimentId: number) => readonly string[],
): (query: LeaderboardQuery) => LeaderboardResult {
  const prepare = cachedStatements(db);
  // A board keeps its table name across rebuilds, so statements prepared on it stay valid.
  const tableNames = new Map<string, string>();

  function board({ experimentId, finalKey, bestKey, groupSeeds, metricKeys = [], sort, filters }: LeaderboardQuery): Board {
    const referenced = [sort, ...filters.map((f) => f.column)].map(metricKeyOf).filter((key) => key !== undefined);
    // Sorted, so the same metrics asked for in another order share a board.
    const metrics = [...new Set([...metricKeys, ...referenced])].sort();
    const key = JSON.stringify([experimentId, finalKey, bestKey, groupSeeds, metrics]);
    let table = tableNames.get(key);
    if (table === undefined) {
      table = `temp.leaderboard_${tableNames.size + 1}`;
      tableNames.set(key, table);
    }
    const name = table;
    return cache.get(
      `leaderboard:${key}`,
      () => {
        const keys = paramKeys(experimentId);
        const paths = Object.fromEntries(keys.map((k, i) => [`k${i}`, jsonPathOfKey(k)]));
        const columns = keys.map((_, i) => `, json_extract(params, @k${i}) AS p${i}`).join('');
        const metricColumns = new Map(metrics.map((k, i) => [k, `m${i}`]));
        const summaries = ['final', 'best', ...metricColumns.values()];
        const summaryKeys = Object.fromEntries([...metricColumns].map(([k, column]) => [`${column}Key`, k]));
        const grouped = groupSeeds ? perSeedGroup(summaries) : perRun(summaries);
        db.prepare(`CREATE TABLE ${name} AS WITH measured AS (${measured(summaries)}), board AS (${grouped}) SELECT *${columns} FROM board`).run({
          experimentId,
          finalKey,
          bestKey,
          timeKey: timingKeys.train,
          ...summaryKeys,
          ...paths,
        });
        return { table: name, paramColumns: new Map(keys.map((k, i) => [k, `p${i}`])), metricColumns };
      },
      () => db.exec(`DROP TABLE ${name}`),
    );
  }

  return (query) => {
    const { table, paramColumns, metricColumns } = board(query);
    const bindings: Record<string, unknown> = {};
    const bind = (value: unknown): string => {
      const name = `v${Object.keys(bindings).length}`;
      bindings[name] = value;
      return `@${name}`;
    };
    const expression = (column: LeaderboardColumn): string => {
      const metric = metricKeyOf(column);
      // The board was built with a column for every metric the query names.
      if (metric !== undefined) return metricColumns.get(metric)!;
      if (!column.startsWith('param:')) return fixedColumnSql[column as LeaderboardFixedColumn];
      const key = column.slice('param:'.length);
      return paramColumns.get(key) ?? `json_extract(params, ${bind(jsonPathOfKey(key))})`;
    };
    const conditions = query.filters.map((filter) => condition(expression(filter.column), filter, bind));
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const order = `${expression(query.sort)} ${query.descending ? 'DESC' : 'ASC'} NULLS LAST, variant_index, id`;

    const total = prepare<number>(`SELECT COUNT(*) FROM ${table}${where}`).pluck().get(bindings)!;
    // Sorting rowids rather than whole rows keeps deep pages cheap; only the page's rows are read.
    const page = prepare<number>(`SELECT rowid FROM ${table}${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .pluck()
      .all({ ...bindings, limit: query.limit ?? -1, offset: query.offset });
    const byRowid = new Map(
      prepare<BoardSqlRow & { rowid: number }>(`SELECT rowid, * FROM ${table} WHERE rowid IN (SELECT value FROM json_each(@rowids))`)
        .all({ rowids: JSON.stringify(page) })
        .map((row) => [row.rowid, row]),
    );
    return { total, rows: page.map((rowid) => toRow(byRowid.get(rowid)!, metricColumns)) };
  };
}

function condition(expression: string, { column, operator, value }: LeaderboardFilter, bind: (value: unknown) => string): string {
  if (value === null) return `${expression} IS ${operator === '!=' ? 'NOT ' : ''}NULL`;
  // SQLite has no boolean type: JSON true and false come out of json_extract as 1 and 0.
  const bound = bind(typeof value === 'boolean' ? Number(value) : value);
  const subject = column === 'id' ? `substr(${expression}, 1, length(${bound}))` : expression;
  // NOCASE folds ASCII letters only, which is what statuses, ids and spec values are written in.
  const collation = typeof value === 'string' ? ' COLLATE NOCASE' : '';
  // `!=` keeps rows where the column is unset: they are not equal to the value either.
  return `${subject} ${operator === '!=' ? 'IS NOT' : operator} ${bound}${collation}`;
}

function toRow(row: BoardSqlRow, metricColumns: ReadonlyMap<string, string>): LeaderboardRow {
  const members = (JSON.parse(row.members) as [string, number, RunStatus][]).map(([id, seed, status]) => ({ id, seed, status }));
  const columns = row as unknown as SummaryColumns;
  const summary = (column: string): MetricSummary => ({ mean: columns[column] ?? null, std: columns[`${column}_std`] ?? null });
  return {
    id: row.id,
    members,
    index: row.variant_index + 1,
    params: JSON.parse(row.params) as Record<string, unknown>,
    seed: row.seed,
    status: row.status,
    n: row.n,
    final: summary('final'),
    best: summary('best'),
    epochs: row.epochs,
    trainSeconds: row.time,
    metrics: Object.fromEntries([...metricColumns].map(([key, column]) => [key, summary(column)])),
  };
}
