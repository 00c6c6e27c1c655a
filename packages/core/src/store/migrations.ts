import type Database from 'better-sqlite3';
import { parseSpec } from '../spec/load-spec.ts';
import { SpecError } from '../spec/spec-error.ts';
import { specFacts } from '../spec/spec-facts.ts';

/** A step that must compute in JavaScript what SQL cannot (parsing stored spec text). */
export type MigrationStep = string | ((db: Database.Database) => void);

/**
 * The schema as numbered steps: migration N (1-based) brings `PRAGMA user_version` from N-1 to N.
 * Steps are append-only: once released, a step is never edited, because DBs in the field already ran it.
 *
 * Timestamps are ISO-8601 UTC text so they sort as strings; JSON columns are TEXT. Result columns are
 * nullable REAL because SQLite stores a diverged NaN as NULL.
 */
export const migrations: readonly MigrationStep[] = [
  /* 1 */ `
  CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE spec_versions (
    experiment_id INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    spec_hash TEXT NOT NULL,
    spec_text TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (experiment_id, spec_hash)
  ) STRICT;

  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    variant_index INTEGER NOT NULL,
    params TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'interrupted')),
    error TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    backend TEXT,
    threads INTEGER,
    versions TEXT,
    host TEXT,
    dataset_fingerprint TEXT,
    weights_hash TEXT,
    skipped_files INTEGER,
    -- an attempt's environment is recorded whole, so a set backend means every column is set
    CHECK (backend IS NULL OR (threads IS NOT NULL AND versions IS NOT NULL AND host IS NOT NULL
      AND dataset_fingerprint IS NOT NULL AND weights_hash IS NOT NULL AND skipped_files IS NOT NULL))
  ) STRICT;
  CREATE INDEX runs_by_experiment_status ON runs (experiment_id, status, variant_index);

  CREATE TABLE epochs (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    loss REAL,
    accuracy REAL,
    val_loss REAL,
    val_accuracy REAL,
    seconds REAL NOT NULL,
    PRIMARY KEY (run_id, epoch)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE metrics (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (run_id, key)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX metrics_by_key_value ON metrics (key, value);

  CREATE TABLE confusions (
    run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    classes TEXT NOT NULL,
    matrix TEXT NOT NULL,
    per_class_accuracy TEXT NOT NULL
  ) STRICT;
  `,
  // The frozen part (backbone up to the cutoff) may run on another engine than the head's tfjs backend.
  /* 2 */ `
  ALTER TABLE runs ADD COLUMN frozen_engine TEXT;
  ALTER TABLE runs ADD COLUMN frozen_threads INTEGER;
  `,
  // Leases let several sweep processes share one experiment: a running run belongs to its lease
  // owner until the lease expires (its process died or stalled) and another process claims it.
  /* 3 */ `
  ALTER TABLE runs ADD COLUMN lease_owner TEXT;
  ALTER TABLE runs ADD COLUMN lease_expires_at INTEGER;
  CREATE INDEX runs_by_lease ON runs (status, lease_expires_at);
  `,
  // Which weights a run used, in words (`imagenet (keras h5)`, `embedded (nsfwjs)`, a path); its
  // weights_hash says exactly which bytes.
  /* 4 */ `
  ALTER TABLE runs ADD COLUMN weights_source TEXT;
  `,
  // What readers need from a spec version (description, metric, base config), as JSON written when
  // the sweep registers it; versions stored before are parsed once here. One that no longer parses
  // stays NULL and readers fall back to the default metric.
  /* 5 */ (db) => {
    db.exec('ALTER TABLE spec_versions ADD COLUMN facts TEXT');
    const update = db.prepare<[string, number, string]>('UPDATE spec_versions SET facts = ? WHERE experiment_id = ? AND spec_hash = ?');
    const rows = db.prepare<[], { experiment_id: number; spec_hash: string; spec_text: string }>('SELECT experiment_id, spec_hash, spec_text FROM spec_versions').all();
    for (const row of rows) {
      const facts = factsOf(row.spec_text);
      if (facts !== undefined) update.run(facts, row.experiment_id, row.spec_hash);
    }
  },
  // Trained models are kept: a run's checkpoint (content-addressed file in the artifact folder
  // next to the DB), the epoch its confusion matrix and predictions come from (NULL: stored before
  // this step, the last epoch), every validation image's predicted probabilities, and the spec
  // file a version came from (its relative paths resolve against its folder when a run is retrained),
  // and the precision of the cached features a run trained on (it changes the numbers).
  /* 6 */ `
  ALTER TABLE runs ADD COLUMN checkpoint_sha256 TEXT;
  ALTER TABLE runs ADD COLUMN checkpoint_bytes INTEGER;
  ALTER TABLE confusions ADD COLUMN epoch INTEGER;
  ALTER TABLE spec_versions ADD COLUMN spec_file TEXT;
  ALTER TABLE runs ADD COLUMN feature_precision TEXT;
  CREATE TABLE predictions (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    sample INTEGER NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    label INTEGER NOT NULL,
    predicted INTEGER NOT NULL,
    probabilities TEXT NOT NULL,
    PRIMARY KEY (run_id, sample)
  ) STRICT;
  `,
  // Runs are compared by train_seconds, the wall time less the time spent waiting for features
  // (timingMetrics in metrics/run-metrics.ts); runs stored before it get it the same way.
  /* 7 */ `
  INSERT OR IGNORE INTO metrics (run_id, key, value)
  SELECT wall.run_id, 'train_seconds', wall.value - features.value
  FROM metrics wall JOIN metrics features ON features.run_id = wall.run_id AND features.key = 'feature_seconds'
  WHERE wall.key = 'wall_seconds';
  `,
  // Where a running run is inside its epoch, so the live view can show the first epoch of a
  // group (which computes the frozen features of every image: 44 of 47 s on horse-or-human)
  // with its own progress and ETA instead of "waiting". Overwritten in place, at most once a second.
  /* 8 */ `
  CREATE TABLE run_progress (
    run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    phase TEXT NOT NULL CHECK (phase IN ('train', 'validate')),
    step INTEGER NOT NULL,
    steps INTEGER NOT NULL,
    computed_images INTEGER NOT NULL,
    epoch_seconds REAL NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  `,
];

function factsOf(specText: string): string | undefined {
  try {
    return JSON.stringify(specFacts(parseSpec(specText, 'spec.yaml').spec));
  } catch (error) {
    if (error instanceof SpecError) return undefined;
    throw error;
  }
}

export const latestSchemaVersion = migrations.length;
