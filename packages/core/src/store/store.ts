import Database from 'better-sqlite3';
import { defaultMetric, experimentMetric } from '../metrics/run-metrics.ts';
import type { ResolvedConfig } from '../spec/schema.ts';
import type { SpecFacts } from '../spec/spec-facts.ts';
import { perClassAccuracy } from './per-class-accuracy.ts';
import { statusCountsSql } from './sample-statistics.ts';
import { storeFailure } from './store-failure.ts';
import { DbBusyError, DbReadonlyError, LeaseLostError, RunIdConflictError, RunNotFoundError, RunWrongStatusError } from './store-errors.ts';
import { runStatuses } from './store-types.ts';
import type {
  EpochRecord,
  ExperimentSummary,
  HostInfo,
  RunConfusion,
  RunEnvironment,
  RunRow,
  RunStatus,
  SpecVersion,
  Store,
} from './store-types.ts';

interface RunColumns {
  id: string;
  experiment_id: number;
  variant_index: number;
  params: string;
  config: string;
  seed: number;
  status: RunStatus;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

/** The schema's CHECK makes the environment columns all-or-nothing, keyed on `backend`. */
type EnvironmentColumns =
  | { backend: null }
  | {
      backend: string;
      threads: number;
      frozen_engine: string | null;
      frozen_threads: number | null;
      versions: string;
      host: string;
      dataset_fingerprint: string;
      weights_hash: string;
      weights_source: string | null;
      skipped_files: number;
    };

type RunSqlRow = RunColumns & EnvironmentColumns;

interface EpochSqlRow {
  epoch: number;
  loss: number | null;
  accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  seconds: number;
}

type SummarySqlRow = {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
  run_count: number;
  best_run_id: string | null;
  best_value: number | null;
  last_activity_at: string;
} & Record<RunStatus, number>;


const summarySql = `
  -- Only done runs hold metrics: finishRun writes them with the status, startRun clears them.
  WITH ranked AS (
    SELECT r.experiment_id, m.run_id, m.value,
      ROW_NUMBER() OVER (
        PARTITION BY r.experiment_id
        ORDER BY CASE WHEN @goal = 'maximize' THEN -m.value ELSE m.value END, r.variant_index
      ) AS place
    FROM metrics m JOIN runs r ON r.id = m.run_id
    WHERE m.key = @metric AND m.value IS NOT NULL
  )
  SELECT e.id, e.name, e.created_at, e.updated_at, COUNT(r.id) AS run_count,
    ${statusCountsSql('r.', 'r.id')},
    b.run_id AS best_run_id, b.value AS best_value,
    MAX(e.updated_at, COALESCE(MAX(r.created_at), ''), COALESCE(MAX(r.started_at), ''), COALESCE(MAX(r.finished_at), ''))
      AS last_activity_at
  FROM experiments e
  LEFT JOIN runs r ON r.experiment_id = e.id
  LEFT JOIN ranked b ON b.experiment_id = e.id AND b.place = 1
  GROUP BY e.id
  ORDER BY last_activity_at DESC, e.id`;

const busyRetries = 5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY_'));
}

/** Prepares every statement once; `file` only names the DB in error messages. */
export function createStore(db: Database.Database, file: string, lease: { owner: string; leaseMs: number }): Store {
  const { owner, leaseMs } = lease;
  const experimentIdByName = db.prepare<[string], number>('SELECT id FROM experiments WHERE name = ?').pluck();
  const insertExperiment = db.prepare<[string, string, string]>(
    'INSERT INTO experiments (name, created_at, updated_at) VALUES (?, ?, ?)',
  );
  const insertSpecVersion = db.prepare<[number, string, string, string, string | null]>(
    'INSERT INTO spec_versions (experiment_id, spec_hash, spec_text, first_seen_at, facts) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const touchExperiment = db.prepare<[string, number]>('UPDATE experiments SET updated_at = ? WHERE id = ?');
  const specVersions = db.prepare<[number], { spec_hash: string; spec_text: string; first_seen_at: string; facts: string | null }>(
    'SELECT spec_hash, spec_text, first_seen_at, facts FROM spec_versions WHERE experiment_id = ? ORDER BY first_seen_at, rowid',
  );
  const summaries = db.prepare<{ metric: string; goal: string }, SummarySqlRow>(summarySql);

  const insertRun = db.prepare<[string, number, number, string, string, number, string]>(
    `INSERT INTO runs (id, experiment_id, variant_index, params, config, seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  const runOwner = db.prepare<[string], number>('SELECT experiment_id FROM runs WHERE id = ?').pluck();
  const runStatus = db.prepare<[string], RunStatus>('SELECT status FROM runs WHERE id = ?').pluck();
  const runById = db.prepare<[string], RunSqlRow>('SELECT * FROM runs WHERE id = ?');
  const runsByExperiment = db.prepare<[number], RunSqlRow>(
    'SELECT * FROM runs WHERE experiment_id = ? ORDER BY variant_index, id',
  );
  const beginAttempt = db.prepare<{
    id: string;
    now: string;
    owner: string;
    expires: number;
    backend: string;
    threads: number;
    frozenEngine: string;
    frozenThreads: number;
    versions: string;
    host: string;
    datasetFingerprint: string;
    weightsHash: string;
    weightsSource: string | null;
    skippedFiles: number;
  }>(
    `UPDATE runs SET status = 'running', started_at = @now, finished_at = NULL, error = NULL, attempts = attempts + 1,
       lease_owner = @owner, lease_expires_at = @expires,
       backend = @backend, threads = @threads, frozen_engine = @frozenEngine, frozen_threads = @frozenThreads,
       versions = @versions, host = @host,
       dataset_fingerprint = @datasetFingerprint, weights_hash = @weightsHash, weights_source = @weightsSource, skipped_files = @skippedFiles
     WHERE id = @id`,
  );
  const endAttempt = db.prepare<{ id: string; status: RunStatus; error: string | null; now: string }>(
    'UPDATE runs SET status = @status, error = @error, finished_at = @now, lease_owner = NULL, lease_expires_at = NULL WHERE id = @id',
  );
  const leaseOf = db.prepare<[string], { status: RunStatus; lease_owner: string | null; lease_expires_at: number | null }>(
    'SELECT status, lease_owner, lease_expires_at FROM runs WHERE id = ?',
  );
  const extendLease = db.prepare<[number, string, string]>(
    `UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'`,
  );
  const expireLeases = db.prepare<[string]>(`UPDATE runs SET lease_expires_at = 0 WHERE lease_owner = ? AND status = 'running'`);
  const clearAttempt = ['epochs', 'metrics', 'confusions'].map((table) =>
    db.prepare<[string]>(`DELETE FROM ${table} WHERE run_id = ?`),
  );

  const insertEpoch = db.prepare<[string, number, number, number, number, number, number]>(
    'INSERT INTO epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const epochsByRun = db.prepare<[string], EpochSqlRow>(
    'SELECT epoch, loss, accuracy, val_loss, val_accuracy, seconds FROM epochs WHERE run_id = ? ORDER BY epoch',
  );
  const insertMetric = db.prepare<[string, string, number]>('INSERT INTO metrics (run_id, key, value) VALUES (?, ?, ?)');
  const metricsByRun = db.prepare<[string], { key: string; value: number | null }>(
    'SELECT key, value FROM metrics WHERE run_id = ? ORDER BY key',
  );
  const insertConfusion = db.prepare<[string, string, string, string]>(
    'INSERT INTO confusions (run_id, classes, matrix, per_class_accuracy) VALUES (?, ?, ?, ?)',
  );
  const confusionByRun = db.prepare<[string], { classes: string; matrix: string; per_class_accuracy: string }>(
    'SELECT classes, matrix, per_class_accuracy FROM confusions WHERE run_id = ?',
  );

  /**
   * IMMEDIATE so that a writer never has to upgrade a read lock, which under WAL fails without
   * waiting. The busy timeout covers ordinary contention; a lock held longer (a checkpoint under
   * several runners) gets a few retries with backoff before the user hears of it.
   */
  function write<T>(work: () => T): T {
    if (db.readonly) throw new DbReadonlyError(file, 'it was opened read-only');
    for (let attempt = 1; ; attempt++) {
      try {
        return db.transaction(work).immediate();
      } catch (error) {
        if (!isBusy(error)) throw storeFailure(error, file);
        if (attempt === busyRetries) throw new DbBusyError(file, attempt, { cause: error });
        Atomics.wait(sleeper, 0, 0, 100 * 2 ** attempt);
      }
    }
  }

  function expectStatus(runId: string, action: string, allowed: readonly RunStatus[]): void {
    const status = runStatus.get(runId);
    if (status === undefined) throw new RunNotFoundError(file, runId);
    if (!allowed.includes(status)) throw new RunWrongStatusError(file, runId, status, action, allowed);
  }

  /** Only the lease holder may write a running run's results. */
  function expectLease(runId: string, action: string): void {
    expectStatus(runId, action, ['running']);
    const holder = leaseOf.get(runId)!.lease_owner;
    if (holder !== owner) throw new LeaseLostError(file, runId, owner, holder);
  }

  function endRun(runId: string, action: string, status: RunStatus, error: string | null, extra?: () => void): void {
    write(() => {
      expectLease(runId, action);
      extra?.();
      endAttempt.run({ id: runId, status, error, now: timestamp() });
    });
  }

  return {
    file,

    listExperiments({ metric = experimentMetric(defaultMetric).key, goal = defaultMetric.goal } = {}) {
      return summaries.all({ metric, goal }).map(toSummary);
    },

    specVersionsOf(experimentId) {
      return specVersions.all(experimentId).map(
        (row): SpecVersion => ({
          specHash: row.spec_hash,
          specText: row.spec_text,
          firstSeenAt: row.first_seen_at,
          facts: row.facts === null ? null : (JSON.parse(row.facts) as SpecFacts),
        }),
      );
    },

    runsOf: (experimentId) => runsByExperiment.all(experimentId).map(toRun),

    getRun(runId) {
      const row = runById.get(runId);
      return row === undefined ? undefined : toRun(row);
    },

    epochsOf(runId) {
      return epochsByRun.all(runId).map(
        (row): EpochRecord => ({
          epoch: row.epoch,
          loss: fromSqlReal(row.loss),
          accuracy: fromSqlReal(row.accuracy),
          valLoss: fromSqlReal(row.val_loss),
          valAccuracy: fromSqlReal(row.val_accuracy),
          seconds: row.seconds,
        }),
      );
    },

    metricsOf(runId) {
      return Object.fromEntries(metricsByRun.all(runId).map((row) => [row.key, fromSqlReal(row.value)]));
    },

    confusionOf(runId) {
      const row = confusionByRun.get(runId);
      if (row === undefined) return undefined;
      const confusion: RunConfusion = {
        classes: JSON.parse(row.classes) as string[],
        matrix: JSON.parse(row.matrix) as number[][],
        perClassAccuracy: (JSON.parse(row.per_class_accuracy) as (number | null)[]).map(fromSqlReal),
      };
      return confusion;
    },

    close: () => db.close(),

    ensureExperiment({ name, specText, specHash, facts }) {
      return write(() => {
        const now = timestamp();
        const id = experimentIdByName.get(name) ?? Number(insertExperiment.run(name, now, now).lastInsertRowid);
        if (insertSpecVersion.run(id, specHash, specText, now, facts === undefined ? null : JSON.stringify(facts)).changes > 0) touchExperiment.run(now, id);
        return id;
      });
    },

    registerVariants(experimentId, variants) {
      return write(() => {
        const now = timestamp();
        let added = 0;
        for (const variant of variants) {
          const params = JSON.stringify(variant.params);
          const config = JSON.stringify(variant.config);
          if (insertRun.run(variant.id, experimentId, variant.index, params, config, variant.seed, now).changes > 0) {
            added += 1;
            continue;
          }
          const owner = runOwner.get(variant.id);
          if (owner !== experimentId) throw new RunIdConflictError(file, variant.id, owner!, experimentId);
        }
        return added;
      });
    },

    owner,
    leaseMs,

    startRun(runId, environment) {
      return write(() => {
        expectStatus(runId, 'start', runStatuses);
        const current = leaseOf.get(runId)!;
        if (current.status === 'done') return false;
        const heldByOther =
          current.status === 'running' && current.lease_owner !== null && current.lease_owner !== owner && (current.lease_expires_at ?? 0) > Date.now();
        if (heldByOther) return false;
        // Same transaction as the status change: no reader ever sees a new attempt mixed with an old one's rows.
        for (const statement of clearAttempt) statement.run(runId);
        beginAttempt.run({
          id: runId,
          now: timestamp(),
          owner,
          expires: Date.now() + leaseMs,
          backend: environment.backend,
          threads: environment.threads,
          frozenEngine: environment.frozenEngine,
          frozenThreads: environment.frozenThreads,
          versions: JSON.stringify(environment.versions),
          host: JSON.stringify(environment.host),
          datasetFingerprint: environment.datasetFingerprint,
          weightsHash: environment.weightsHash,
          weightsSource: environment.weightsSource,
          skippedFiles: environment.skippedFiles,
        });
        return true;
      });
    },

    renewLease(runId) {
      return write(() => extendLease.run(Date.now() + leaseMs, runId, owner).changes > 0);
    },

    expireLeasesOf(deadOwner) {
      return write(() => expireLeases.run(deadOwner).changes);
    },

    recordEpoch(runId, epoch) {
      write(() => {
        expectLease(runId, 'record an epoch of');
        insertEpoch.run(runId, epoch.epoch, epoch.loss, epoch.accuracy, epoch.valLoss, epoch.valAccuracy, epoch.seconds);
      });
    },

    finishRun(runId, { metrics, confusion }) {
      const accuracies = perClassAccuracy(runId, confusion);
      endRun(runId, 'finish', 'done', null, () => {
        for (const [key, value] of Object.entries(metrics)) insertMetric.run(runId, key, value);
        insertConfusion.run(
          runId,
          JSON.stringify(confusion.classes),
          JSON.stringify(confusion.matrix),
          JSON.stringify(accuracies),
        );
      });
    },

    failRun: (runId, errorText) => endRun(runId, 'fail', 'failed', errorText),
    interruptRun: (runId) => endRun(runId, 'interrupt', 'interrupted', null),
  };
}

function toRun(row: RunSqlRow): RunRow {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    index: row.variant_index,
    params: JSON.parse(row.params) as Record<string, unknown>,
    config: JSON.parse(row.config) as ResolvedConfig,
    seed: row.seed,
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
    environment: toEnvironment(row),
    lease: row.status === 'running' && row.lease_owner !== null ? { owner: row.lease_owner, expiresAt: row.lease_expires_at ?? 0 } : null,
  };
}

function toEnvironment(row: EnvironmentColumns): RunEnvironment | null {
  if (row.backend === null) return null;
  return {
    backend: row.backend,
    threads: row.threads,
    // Runs stored before migration 2 ran their frozen part on the tfjs backend itself.
    frozenEngine: row.frozen_engine ?? 'tfjs',
    frozenThreads: row.frozen_threads ?? row.threads,
    versions: JSON.parse(row.versions) as Record<string, string>,
    host: JSON.parse(row.host) as HostInfo,
    datasetFingerprint: row.dataset_fingerprint,
    weightsHash: row.weights_hash,
    weightsSource: row.weights_source,
    skippedFiles: row.skipped_files,
  };
}

function toSummary(row: SummarySqlRow): ExperimentSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runCount: row.run_count,
    statusCounts: Object.fromEntries(runStatuses.map((status) => [status, row[status]])) as Record<RunStatus, number>,
    best: row.best_run_id === null || row.best_value === null ? null : { runId: row.best_run_id, value: row.best_value },
    lastActivityAt: row.last_activity_at,
  };
}

/** SQLite turns a bound NaN into NULL (and JSON does the same); NULL result columns only ever mean NaN. */
function fromSqlReal(value: number | null): number {
  return value ?? Number.NaN;
}

function timestamp(): string {
  return new Date().toISOString();
}
