import type Database from 'better-sqlite3';
import { statusCountsSql } from './sample-statistics.ts';
import { epochFromSql, type EpochSqlRow } from './store-read.ts';
import { runStatuses, type EpochProgress, type EpochRecord, type RunStatus } from './store-types.ts';

export interface RunningRun {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly startedAt: string | null;
  readonly epochsPlanned: number;
  readonly epochsDone: number;
  /** Inside the current epoch, as last reported (at most a second old while it trains); null before the first report. */
  readonly progress: (EpochProgress & { readonly updatedAt: string }) | null;
}

export interface FinishedRun {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly status: RunStatus;
  readonly finishedAt: string;
  /** The requested metric; null unless the run is done. */
  readonly value: number | null;
}

export interface RunCurve {
  readonly id: string;
  readonly status: RunStatus;
  readonly epochs: readonly EpochRecord[];
}

export interface SweepProgress {
  readonly statusCounts: Readonly<Record<RunStatus, number>>;
  readonly running: readonly RunningRun[];
  /** Latest first. */
  readonly recent: readonly FinishedRun[];
  /** The epochs of the most recently started runs (up to the limit), in start order. */
  readonly curves: readonly RunCurve[];
  /** Changes whenever a run starts or ends or an epoch lands, so a poller knows when to refresh. */
  readonly version: string;
}

type CountsSqlRow = Record<RunStatus, number> & { started: string | null; finished: string | null; running_epochs: number; reported: string | null };
interface RunningSqlRow {
  id: string;
  params: string;
  started_at: string | null;
  planned: number;
  done: number;
  // From run_progress: all null until the run's first report.
  epoch: number | null;
  phase: EpochProgress['phase'] | null;
  step: number | null;
  steps: number | null;
  computed_images: number | null;
  epoch_seconds: number | null;
  updated_at: string | null;
}

export interface ProgressLimits {
  /** Finished runs listed. */
  readonly recent: number;
  /** Runs whose curves are drawn. */
  readonly curves: number;
}

/** What a page watching a sweep needs, in four small indexed queries. */
export function createProgressQuery(db: Database.Database): (experimentId: number, metricKey: string, limits: ProgressLimits) => SweepProgress {
  const counts = db.prepare<{ experimentId: number }, CountsSqlRow>(
    `SELECT ${statusCountsSql('')},
       MAX(started_at) AS started, MAX(finished_at) AS finished,
       (SELECT COUNT(*) FROM epochs e JOIN runs rr ON rr.id = e.run_id WHERE rr.experiment_id = @experimentId AND rr.status = 'running') AS running_epochs,
       (SELECT MAX(p.updated_at) FROM run_progress p JOIN runs rr ON rr.id = p.run_id WHERE rr.experiment_id = @experimentId AND rr.status = 'running') AS reported
     FROM runs WHERE experiment_id = @experimentId`,
  );
  const running = db.prepare<[number], RunningSqlRow>(
    `SELECT r.id, r.params, r.started_at, json_extract(r.config, '$.train.epochs') AS planned,
       (SELECT COUNT(*) FROM epochs WHERE run_id = r.id) AS done,
       p.epoch, p.phase, p.step, p.steps, p.computed_images, p.epoch_seconds, p.updated_at
     FROM runs r LEFT JOIN run_progress p ON p.run_id = r.id WHERE r.experiment_id = ? AND r.status = 'running' ORDER BY r.started_at, r.variant_index`,
  );
  const recent = db.prepare<{ experimentId: number; metricKey: string; limit: number }, { id: string; params: string; status: RunStatus; finished_at: string; value: number | null }>(
    `SELECT r.id, r.params, r.status, r.finished_at, m.value
     FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.key = @metricKey
     WHERE r.experiment_id = @experimentId AND r.finished_at IS NOT NULL
     ORDER BY r.finished_at DESC, r.variant_index DESC LIMIT @limit`,
  );

  const curves = db.prepare<{ experimentId: number; limit: number }, EpochSqlRow & { id: string; status: RunStatus }>(
    `SELECT r.id, r.status, e.epoch, e.loss, e.accuracy, e.val_loss, e.val_accuracy, e.seconds
     FROM (SELECT id, status, started_at, variant_index FROM runs
           WHERE experiment_id = @experimentId AND started_at IS NOT NULL ORDER BY started_at DESC, variant_index DESC LIMIT @limit) r
     JOIN epochs e ON e.run_id = r.id
     ORDER BY r.started_at, r.variant_index, e.epoch`,
  );

  return (experimentId, metricKey, limits) => {
    const row = counts.get({ experimentId })!;
    const statusCounts = Object.fromEntries(runStatuses.map((status) => [status, row[status]])) as Record<RunStatus, number>;
    return {
      statusCounts,
      running: running.all(experimentId).map((r) => ({
        id: r.id,
        params: JSON.parse(r.params) as Record<string, unknown>,
        startedAt: r.started_at,
        epochsPlanned: r.planned,
        epochsDone: r.done,
        progress:
          r.updated_at === null
            ? null
            : {
                epoch: r.epoch!,
                phase: r.phase!,
                step: r.step!,
                steps: r.steps!,
                computedImages: r.computed_images!,
                epochSeconds: r.epoch_seconds!,
                updatedAt: r.updated_at,
              },
      })),
      recent: recent.all({ experimentId, metricKey, limit: limits.recent }).map((r) => ({
        id: r.id,
        params: JSON.parse(r.params) as Record<string, unknown>,
        status: r.status,
        finishedAt: r.finished_at,
        value: r.value,
      })),
      curves: curvesOf(curves.all({ experimentId, limit: limits.curves })),
      version: [...runStatuses.map((status) => row[status]), row.running_epochs, row.started ?? '', row.finished ?? '', row.reported ?? ''].join(':'),
    };
  };
}

function curvesOf(rows: ReadonlyArray<EpochSqlRow & { id: string; status: RunStatus }>): RunCurve[] {
  const byRun = new Map<string, { id: string; status: RunStatus; epochs: EpochRecord[] }>();
  for (const row of rows) {
    let curve = byRun.get(row.id);
    if (curve === undefined) byRun.set(row.id, (curve = { id: row.id, status: row.status, epochs: [] }));
    curve.epochs.push(epochFromSql(row));
  }
  return [...byRun.values()];
}
