import type Database from 'better-sqlite3';
import { statusCountsSql } from './sample-statistics.ts';
import { runStatuses, type RunStatus } from './store-types.ts';

export interface RunningRun {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly startedAt: string | null;
  readonly epochsPlanned: number;
  readonly epochsDone: number;
}

export interface FinishedRun {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly status: RunStatus;
  readonly finishedAt: string;
  /** The requested metric; null unless the run is done. */
  readonly value: number | null;
}

export interface SweepProgress {
  readonly statusCounts: Readonly<Record<RunStatus, number>>;
  readonly running: readonly RunningRun[];
  /** Latest first. */
  readonly recent: readonly FinishedRun[];
  /** Changes whenever a run starts or ends or an epoch lands, so a poller knows when to refresh. */
  readonly version: string;
}

type CountsSqlRow = Record<RunStatus, number> & { started: string | null; finished: string | null; running_epochs: number };

/** What a page watching a sweep needs, in three small indexed queries. */
export function createProgressQuery(db: Database.Database): (experimentId: number, metricKey: string, recentLimit: number) => SweepProgress {
  const counts = db.prepare<[number, number], CountsSqlRow>(
    `SELECT ${statusCountsSql('')},
       MAX(started_at) AS started, MAX(finished_at) AS finished,
       (SELECT COUNT(*) FROM epochs e JOIN runs rr ON rr.id = e.run_id WHERE rr.experiment_id = ? AND rr.status = 'running') AS running_epochs
     FROM runs WHERE experiment_id = ?`,
  );
  const running = db.prepare<[number], { id: string; params: string; started_at: string | null; planned: number; done: number }>(
    `SELECT r.id, r.params, r.started_at, json_extract(r.config, '$.train.epochs') AS planned,
       (SELECT COUNT(*) FROM epochs WHERE run_id = r.id) AS done
     FROM runs r WHERE r.experiment_id = ? AND r.status = 'running' ORDER BY r.started_at, r.variant_index`,
  );
  const recent = db.prepare<{ experimentId: number; metricKey: string; limit: number }, { id: string; params: string; status: RunStatus; finished_at: string; value: number | null }>(
    `SELECT r.id, r.params, r.status, r.finished_at, m.value
     FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.key = @metricKey
     WHERE r.experiment_id = @experimentId AND r.finished_at IS NOT NULL
     ORDER BY r.finished_at DESC, r.variant_index DESC LIMIT @limit`,
  );

  return (experimentId, metricKey, recentLimit) => {
    const row = counts.get(experimentId, experimentId)!;
    const statusCounts = Object.fromEntries(runStatuses.map((status) => [status, row[status]])) as Record<RunStatus, number>;
    return {
      statusCounts,
      running: running.all(experimentId).map((r) => ({
        id: r.id,
        params: JSON.parse(r.params) as Record<string, unknown>,
        startedAt: r.started_at,
        epochsPlanned: r.planned,
        epochsDone: r.done,
      })),
      recent: recent.all({ experimentId, metricKey, limit: recentLimit }).map((r) => ({
        id: r.id,
        params: JSON.parse(r.params) as Record<string, unknown>,
        status: r.status,
        finishedAt: r.finished_at,
        value: r.value,
      })),
      version: [...runStatuses.map((status) => row[status]), row.running_epochs, row.started ?? '', row.finished ?? ''].join(':'),
    };
  };
}
