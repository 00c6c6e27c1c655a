import type Database from 'better-sqlite3';

export interface RunMetricRow {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly value: number;
}

export interface RunMetrics {
  /** Done runs with a value of the metric. */
  readonly total: number;
  /** The best `limit` of them. */
  readonly rows: RunMetricRow[];
}

export interface RunMetricsQuery {
  readonly experimentId: number;
  readonly metricKey: string;
  /** True when a higher value is better. */
  readonly descending: boolean;
  readonly limit: number;
}

/** Every done run with a value of the metric, in variant (spec) order: the input of the effects statistics. */
export function createRunValuesQuery(db: Database.Database): (experimentId: number, metricKey: string) => RunMetricRow[] {
  const select = db.prepare<{ experimentId: number; metricKey: string }, { id: string; params: string; value: number }>(
    `SELECT r.id, r.params, m.value FROM runs r JOIN metrics m ON m.run_id = r.id AND m.key = @metricKey
     WHERE r.experiment_id = @experimentId AND r.status = 'done' AND m.value IS NOT NULL ORDER BY r.variant_index`,
  );
  return (experimentId, metricKey) =>
    select.all({ experimentId, metricKey }).map((row) => ({ id: row.id, params: JSON.parse(row.params) as Record<string, unknown>, value: row.value }));
}

/** Swept values against the metric, for plotting every run at once (parallel coordinates). */
export function createRunMetricsQuery(db: Database.Database): (query: RunMetricsQuery) => RunMetrics {
  const select = (direction: 'ASC' | 'DESC') =>
    db.prepare<{ experimentId: number; metricKey: string; limit: number }, { id: string; params: string; value: number; total: number }>(
      `SELECT r.id, r.params, m.value, COUNT(*) OVER () AS total
       FROM runs r JOIN metrics m ON m.run_id = r.id AND m.key = @metricKey
       WHERE r.experiment_id = @experimentId AND m.value IS NOT NULL
       ORDER BY m.value ${direction}, r.variant_index LIMIT @limit`,
    );
  const byDirection = { ASC: select('ASC'), DESC: select('DESC') };
  return ({ experimentId, metricKey, descending, limit }) => {
    const rows = byDirection[descending ? 'DESC' : 'ASC'].all({ experimentId, metricKey, limit });
    return {
      total: rows[0]?.total ?? 0,
      rows: rows.map((row) => ({ id: row.id, params: JSON.parse(row.params) as Record<string, unknown>, value: row.value })),
    };
  };
}
