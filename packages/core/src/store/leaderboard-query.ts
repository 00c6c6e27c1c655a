import type Database from 'better-sqlite3';
import type { RunStatus } from './store-types.ts';
import { cachedStatements, jsonPathOfKey, type DerivedCache } from './sql-helpers.ts';
import { sampleStdSql } from './sample-statistics.ts';
import { timingKeys } from '../metrics/run-metrics.ts';

/** Columns of the leaderboard that are not swept parameters. */
export const leaderboardFixedColumns = ['index', 'id', 'seed', 'status', 'n', 'final', 'best', 'epochs', 'time'] as const;
export type LeaderboardFixedColumn = (typeof leaderboardFixedColumns)[number];
/** A fixed column, or `param:<key>` for the swept parameter `<key>` (e.g. `param:head.dropout`). */
export type LeaderboardColumn = LeaderboardFixedColumn | `param:${string}`;

export const filterOperators = ['=', '!=', '<=', '>=', '<', '>'] as const;
export type FilterOperator = (typeof filterOperators)[number];

export interface LeaderboardFilter {
  readonly column: LeaderboardColumn;
  readonly operator: FilterOperator;
  /** Compared with the column's SQL value; a parameter's JSON true/false compares as 1/0, null means "not set". */
  readonly value: string | number | boolean | null;
}

export interface LeaderboardQuery {
  readonly experimentId: number;
  /** Metric keys shown as the final and the best value, e.g. `final_val_accuracy`, `best_val_accuracy`. */
  readonly finalKey: string;
  readonly bestKey: string | null;
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
  final: number | null;
  final_std: number | null;
  best: number | null;
  best_std: number | null;
  epochs: number | null;
  time: number | null;
  members: string;
}

const measured = `
  SELECT r.id, r.variant_index, r.params, r.config, r.seed, r.status,
    final.value AS final, best.value AS best,
    COALESCE(epochs.value, (SELECT COUNT(*) FROM epochs WHERE run_id = r.id)) AS epochs, time.value AS time
  FROM runs r
  -- Joins rather than scalar subqueries: the aggregates below name each metric several times.
  LEFT JOIN metrics final ON final.run_id = r.id AND final.key = @finalKey
  LEFT JOIN metrics best ON best.run_id = r.id AND best.key = @bestKey
  LEFT JOIN metrics epochs ON epochs.run_id = r.id AND epochs.key = 'epochs_run'
  LEFT JOIN metrics time ON time.run_id = r.id AND time.key = @timeKey
  WHERE r.experiment_id = @experimentId`;

const perRun = `
  SELECT id, variant_index, params, seed, status, final, NULL AS final_std, best, NULL AS best_std, epochs, time,
    status = 'done' AS n, json_array(json_array(id, seed, status)) AS members
  FROM measured`;


const perSeedGroup = `
  SELECT MIN(id) AS id, MIN(variant_index) AS variant_index, json_remove(MIN(params), '$.seed') AS params,
    CASE WHEN COUNT(*) = 1 THEN MIN(seed) END AS seed,
    CASE WHEN MIN(status) = MAX(status) THEN MIN(status) ELSE 'mixed' END AS status,
    AVG(final) AS final, ${sampleStdSql('final')} AS final_std, AVG(best) AS best, ${sampleStdSql('best')} AS best_std,
    AVG(epochs) AS epochs, AVG(time) AS time, COUNT(*) FILTER (WHERE status = 'done') AS n,
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
}

/**
 * Each (experiment, metrics, grouping) board is computed once into a temporary table of the
 * connection (the DB file stays read-only), with every swept parameter in a column of its own, and
 * kept until the DB changes; each request then filters, sorts and pages that table in SQL.
 * Aggregating ten thousand runs takes a tenth of a second; a page of the table a few milliseconds.
 *
 * The page query is built from fixed fragments: column names come from a fixed table or are
 * generated (p0, p1, ...), and every user-supplied value, parameter paths included, is bound, so
 * nothing a request sends is spliced into SQL.
 */
export function createLeaderboardQuery(
  db: Database.Database,
  cache: DerivedCache,
  paramKeys: (experimentId: number) => readonly string[],
): (query: LeaderboardQuery) => LeaderboardResult {
  const prepare = cachedStatements(db);
  // A board keeps its table name across rebuilds, so statements prepared on it stay valid.
  const tableNames = new Map<string, string>();

  function board({ experimentId, finalKey, bestKey, groupSeeds }: LeaderboardQuery): Board {
    const key = JSON.stringify([experimentId, finalKey, bestKey, groupSeeds]);
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
        db.prepare(`CREATE TABLE ${name} AS WITH measured AS (${measured}), board AS (${groupSeeds ? perSeedGroup : perRun}) SELECT *${columns} FROM board`).run({
          experimentId,
          finalKey,
          bestKey,
          timeKey: timingKeys.train,
          ...paths,
        });
        return { table: name, paramColumns: new Map(keys.map((k, i) => [k, `p${i}`])) };
      },
      () => db.exec(`DROP TABLE ${name}`),
    );
  }

  return (query) => {
    const { table, paramColumns } = board(query);
    const bindings: Record<string, unknown> = {};
    const bind = (value: unknown): string => {
      const name = `v${Object.keys(bindings).length}`;
      bindings[name] = value;
      return `@${name}`;
    };
    const expression = (column: LeaderboardColumn): string => {
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
    return { total, rows: page.map((rowid) => toRow(byRowid.get(rowid)!)) };
  };
}

function condition(expression: string, { operator, value }: LeaderboardFilter, bind: (value: unknown) => string): string {
  if (value === null) return `${expression} IS ${operator === '!=' ? 'NOT ' : ''}NULL`;
  // SQLite has no boolean type: JSON true and false come out of json_extract as 1 and 0.
  const bound = bind(typeof value === 'boolean' ? Number(value) : value);
  // `!=` keeps rows where the column is unset: they are not equal to the value either.
  return operator === '!=' ? `${expression} IS NOT ${bound}` : `${expression} ${operator} ${bound}`;
}

function toRow(row: BoardSqlRow): LeaderboardRow {
  const members = (JSON.parse(row.members) as [string, number, RunStatus][]).map(([id, seed, status]) => ({ id, seed, status }));
  return {
    id: row.id,
    members,
    index: row.variant_index + 1,
    params: JSON.parse(row.params) as Record<string, unknown>,
    seed: row.seed,
    status: row.status,
    n: row.n,
    final: { mean: row.final, std: row.final_std },
    best: { mean: row.best, std: row.best_std },
    epochs: row.epochs,
    trainSeconds: row.time,
  };
}

