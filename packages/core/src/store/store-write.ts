import Database from 'better-sqlite3';
import { atFatalExit } from '../errors/fatal-exit.ts';
import { predictedClass } from '../metrics/run-metrics.ts';
import { perClassAccuracy } from './per-class-accuracy.ts';
import { createStoreReader } from './store-read.ts';
import { storeFailure } from './store-failure.ts';
import { DbBusyError, DbReadonlyError, LeaseLostError, RunIdConflictError, RunNotFoundError, RunWrongStatusError } from './store-errors.ts';
import { runStatuses } from './store-types.ts';
import type { RunStatus, Store } from './store-types.ts';

const busyRetries = 5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY_'));
}

/** The reads of {@link createStoreReader} plus every write, all on one connection; `file` only names the DB in error messages. */
export function createStore(db: Database.Database, file: string, lease: { owner: string; leaseMs: number }): Store {
  const { owner, leaseMs } = lease;
  const experimentIdByName = db.prepare<[string], number>('SELECT id FROM experiments WHERE name = ?').pluck();
  const insertExperiment = db.prepare<[string, string, string]>(
    'INSERT INTO experiments (name, created_at, updated_at) VALUES (?, ?, ?)',
  );
  const insertSpecVersion = db.prepare<[number, string, string, string, string | null, string | null]>(
    'INSERT INTO spec_versions (experiment_id, spec_hash, spec_text, first_seen_at, facts, spec_file) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const touchExperiment = db.prepare<[string, number]>('UPDATE experiments SET updated_at = ? WHERE id = ?');

  const insertRun = db.prepare<[string, number, number, string, string, number, string]>(
    `INSERT INTO runs (id, experiment_id, variant_index, params, config, seed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  const runOwner = db.prepare<[string], number>('SELECT experiment_id FROM runs WHERE id = ?').pluck();
  const runStatus = db.prepare<[string], RunStatus>('SELECT status FROM runs WHERE id = ?').pluck();
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
    featurePrecision: string | null;
  }>(
    `UPDATE runs SET status = 'running', started_at = @now, finished_at = NULL, error = NULL, attempts = attempts + 1,
       checkpoint_sha256 = NULL, checkpoint_bytes = NULL,
       lease_owner = @owner, lease_expires_at = @expires,
       backend = @backend, threads = @threads, frozen_engine = @frozenEngine, frozen_threads = @frozenThreads,
       versions = @versions, host = @host,
       dataset_fingerprint = @datasetFingerprint, weights_hash = @weightsHash, weights_source = @weightsSource, skipped_files = @skippedFiles,
       feature_precision = @featurePrecision
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
  const interruptOwned = db.prepare<{ owner: string; now: string }>(
    `UPDATE runs SET status = 'interrupted', finished_at = @now, lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = @owner AND status = 'running'`,
  );
  const abandonRun = db.prepare<{ id: string; owner: string | null; expires: number; now: string }>(
    `UPDATE runs SET status = 'interrupted', finished_at = @now, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = @id AND status = 'running' AND lease_owner IS @owner AND COALESCE(lease_expires_at, 0) = @expires`,
  );
  const clearAttempt = ['epochs', 'metrics', 'confusions', 'predictions', 'run_progress'].map((table) =>
    db.prepare<[string]>(`DELETE FROM ${table} WHERE run_id = ?`),
  );

  const insertEpoch = db.prepare<[string, number, number, number, number, number, number]>(
    'INSERT INTO epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const upsertProgress = db.prepare<[string, number, string, number, number, number, number, string]>(
    `INSERT OR REPLACE INTO run_progress (run_id, epoch, phase, step, steps, computed_images, epoch_seconds, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMetric = db.prepare<[string, string, number]>('INSERT INTO metrics (run_id, key, value) VALUES (?, ?, ?)');
  const insertConfusion = db.prepare<[string, string, string, string, number]>(
    'INSERT INTO confusions (run_id, classes, matrix, per_class_accuracy, epoch) VALUES (?, ?, ?, ?, ?)',
  );
  const insertPrediction = db.prepare<[string, number, string, string, number, number, string]>(
    'INSERT INTO predictions (run_id, sample, file, sha256, label, predicted, probabilities) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const setCheckpoint = db.prepare<[string | null, number | null, string]>('UPDATE runs SET checkpoint_sha256 = ?, checkpoint_bytes = ? WHERE id = ?');

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

  // A process ending on a failure it did not await leaves none of its runs running (see fatal-exit.ts).
  const forgetAtFatalExit = db.readonly ? () => false : atFatalExit(() => interruptOwned.run({ owner, now: timestamp() }));
  const reader = createStoreReader(db, file);

  return {
    ...reader,
    close() {
      forgetAtFatalExit();
      reader.close();
    },

    ensureExperiment({ name, specText, specHash, facts, specFile }) {
      return write(() => {
        const now = timestamp();
        const id = experimentIdByName.get(name) ?? Number(insertExperiment.run(name, now, now).lastInsertRowid);
        if (insertSpecVersion.run(id, specHash, specText, now, facts === undefined ? null : JSON.stringify(facts), specFile ?? null).changes > 0) touchExperiment.run(now, id);
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
          featurePrecision: environment.featurePrecision,
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

    recordProgress(runId, p) {
      write(() => {
        expectLease(runId, 'record the progress of');
        upsertProgress.run(runId, p.epoch, p.phase, p.step, p.steps, p.computedImages, p.epochSeconds, timestamp());
      });
    },

    finishRun(runId, { metrics, confusion, evaluatedEpoch, predictions, checkpoint }) {
      const accuracies = perClassAccuracy(runId, confusion);
      endRun(runId, 'finish', 'done', null, () => {
        for (const [key, value] of Object.entries(metrics)) insertMetric.run(runId, key, value);
        insertConfusion.run(
          runId,
          JSON.stringify(confusion.classes),
          JSON.stringify(confusion.matrix),
          JSON.stringify(accuracies),
          evaluatedEpoch,
        );
        predictions.forEach((p, sample) =>
          insertPrediction.run(runId, sample, p.file, p.sha256, p.label, predictedClass(p.probabilities), JSON.stringify(p.probabilities)),
        );
        setCheckpoint.run(checkpoint?.sha256 ?? null, checkpoint?.bytes ?? null, runId);
      });
    },

    failRun: (runId, errorText) => endRun(runId, 'fail', 'failed', errorText),
    interruptRun: (runId) => endRun(runId, 'interrupt', 'interrupted', null),

    abandonRuns(runs) {
      return write(() => {
        const now = timestamp();
        return runs
          .filter(({ runId, lease }) => abandonRun.run({ id: runId, owner: lease?.owner ?? null, expires: lease?.expiresAt ?? 0, now }).changes > 0)
          .map(({ runId }) => runId);
      });
    },
  };
}

function timestamp(): string {
  return new Date().toISOString();
}
