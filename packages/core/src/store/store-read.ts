import type Database from 'better-sqlite3';
import { defaultMetric, experimentMetric } from '../metrics/run-metrics.ts';
import type { ResolvedConfig } from '../spec/schema.ts';
import type { SpecFacts } from '../spec/spec-facts.ts';
import { statusCountsSql } from './sample-statistics.ts';
import { translatingFailures } from './store-failure.ts';
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
  StoreReader,
  StoredPrediction,
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
  checkpoint_sha256: string | null;
  checkpoint_bytes: number | null;
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
      feature_precision: string | null;
    };

type RunSqlRow = RunColumns & EnvironmentColumns;

export interface EpochSqlRow {
  epoch: number;
  loss: number | null;
  accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  seconds: number;
}

export function epochFromSql(row: EpochSqlRow): EpochRecord {
  return {
    epoch: row.epoch,
    loss: fromSqlReal(row.loss),
    accuracy: fromSqlReal(row.accuracy),
    valLoss: fromSqlReal(row.val_loss),
    valAccuracy: fromSqlReal(row.val_accuracy),
    seconds: row.seconds,
  };
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

/** The store's reads, prepared once on the connection it is given; the writer and the results reader share them. */
export function createStoreReader(db: Database.Database, file: string): StoreReader {
  const specVersions = db.prepare<[number], { spec_hash: string; spec_text: string; first_seen_at: string; facts: string | null; spec_file: string | null }>(
    'SELECT spec_hash, spec_text, first_seen_at, facts, spec_file FROM spec_versions WHERE experiment_id = ? ORDER BY first_seen_at, rowid',
  );
  const summaries = db.prepare<{ metric: string; goal: string }, SummarySqlRow>(summarySql);
  const runById = db.prepare<[string], RunSqlRow>('SELECT * FROM runs WHERE id = ?');
  const runsByExperiment = db.prepare<[number], RunSqlRow>(
    'SELECT * FROM runs WHERE experiment_id = ? ORDER BY variant_index, id',
  );
  const epochsByRun = db.prepare<[string], EpochSqlRow>(
    'SELECT epoch, loss, accuracy, val_loss, val_accuracy, seconds FROM epochs WHERE run_id = ? ORDER BY epoch',
  );
  const metricsByRun = db.prepare<[string], { key: string; value: number | null }>(
    'SELECT key, value FROM metrics WHERE run_id = ? ORDER BY key',
  );
  const confusionByRun = db.prepare<[string], { classes: string; matrix: string; per_class_accuracy: string; epoch: number | null }>(
    'SELECT classes, matrix, per_class_accuracy, epoch FROM confusions WHERE run_id = ?',
  );
  type PredictionSqlRow = { sample: number; file: string; sha256: string; label: number; predicted: number; probabilities: string };
  const predictionColumns = 'sample, file, sha256, label, predicted, probabilities';
  const predictionsByRun = db.prepare<[string], PredictionSqlRow>(`SELECT ${predictionColumns} FROM predictions WHERE run_id = ? ORDER BY sample`);
  const predictionByImage = db.prepare<[string, string], PredictionSqlRow>(
    `SELECT ${predictionColumns} FROM predictions WHERE run_id = ? AND sha256 = ? ORDER BY sample LIMIT 1`,
  );
  const toPrediction = (row: PredictionSqlRow): StoredPrediction => ({ ...row, probabilities: JSON.parse(row.probabilities) as number[] });
  const checkpoints = db.prepare<[], { runId: string; sha256: string; bytes: number }>(
    'SELECT id AS runId, checkpoint_sha256 AS sha256, checkpoint_bytes AS bytes FROM runs WHERE checkpoint_sha256 IS NOT NULL ORDER BY id',
  );

  return translatingFailures<StoreReader>({
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
          specFile: row.spec_file,
        }),
      );
    },

    runsOf: (experimentId) => runsByExperiment.all(experimentId).map(toRun),

    getRun(runId) {
      const row = runById.get(runId);
      return row === undefined ? undefined : toRun(row);
    },

    epochsOf(runId) {
      return epochsByRun.all(runId).map(epochFromSql);
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
        epoch: row.epoch,
      };
      return confusion;
    },

    predictionsOf: (runId) => predictionsByRun.all(runId).map(toPrediction),

    predictionOf(runId, sha256) {
      const row = predictionByImage.get(runId, sha256);
      return row === undefined ? undefined : toPrediction(row);
    },

    checkpoints: () => checkpoints.all(),

    close: () => db.close(),
  }, file);
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
    checkpoint: row.checkpoint_sha256 === null ? null : { sha256: row.checkpoint_sha256, bytes: row.checkpoint_bytes ?? 0 },
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
    featurePrecision: row.feature_precision,
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
