import type Database from 'better-sqlite3';
import { jsonPathOfKey } from './sql-helpers.ts';

/**
 * A metric over the runs sharing one value (level) of a swept parameter, as sums rather than a
 * mean, so that levels can be pooled (e.g. into bins of a continuous parameter) without going back
 * to the runs.
 */
export interface LevelStats {
  /** The parameter's JSON value; undefined for runs that do not set it (from another spec version). */
  readonly level: unknown;
  readonly runs: number;
  readonly failed: number;
  /** Runs with a value of the metric (done, not diverged). */
  readonly n: number;
  readonly sum: number;
  readonly sumOfSquares: number;
}

/** The runs sharing a value of two parameters: `level` holds the first one's value, `y` the second's. */
export interface PairStats extends LevelStats {
  readonly y: unknown;
}

interface LevelSqlRow {
  level: string | null;
  y?: string | null;
  runs: number;
  failed: number;
  n: number;
  sum: number;
  sum_of_squares: number;
}

const aggregates = `COUNT(*) AS runs, COUNT(*) FILTER (WHERE r.status = 'failed') AS failed,
  COUNT(m.value) AS n, TOTAL(m.value) AS sum, TOTAL(m.value * m.value) AS sum_of_squares`;
const joined = `FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.key = @metricKey WHERE r.experiment_id = @experimentId`;

export interface AblationQueries {
  /** In the order the levels first appear among the variants, i.e. as the spec lists them. */
  levels(experimentId: number, key: string, metricKey: string): LevelStats[];
  /** One entry per (x level, y level) combination that has runs. */
  pairs(experimentId: number, xKey: string, yKey: string, metricKey: string): PairStats[];
}

export function createAblationQueries(db: Database.Database): AblationQueries {
  // `->` keeps the JSON form, so the string "0.5" and the number 0.5 stay different levels.
  const levels = db.prepare<{ experimentId: number; metricKey: string; x: string }, LevelSqlRow>(
    `SELECT r.params -> @x AS level, ${aggregates} ${joined} GROUP BY level ORDER BY MIN(r.variant_index)`,
  );
  const pairs = db.prepare<{ experimentId: number; metricKey: string; x: string; y: string }, LevelSqlRow>(
    `SELECT r.params -> @x AS level, r.params -> @y AS y, ${aggregates} ${joined} GROUP BY level, y ORDER BY MIN(r.variant_index)`,
  );
  return {
    levels: (experimentId, key, metricKey) => levels.all({ experimentId, metricKey, x: jsonPathOfKey(key) }).map(toLevel),
    pairs: (experimentId, xKey, yKey, metricKey) =>
      pairs
        .all({ experimentId, metricKey, x: jsonPathOfKey(xKey), y: jsonPathOfKey(yKey) })
        .map((row) => ({ ...toLevel(row), y: fromJson(row.y ?? null) })),
  };
}

function toLevel(row: LevelSqlRow): LevelStats {
  return { level: fromJson(row.level), runs: row.runs, failed: row.failed, n: row.n, sum: row.sum, sumOfSquares: row.sum_of_squares };
}

function fromJson(text: string | null): unknown {
  return text === null ? undefined : JSON.parse(text);
}
