import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { ArtifactStore, expandSweep, openStore, parseSpec, TlabError } from '@tlab/core';
import { selectBackend, type EngineInfo } from '@tlab/trainer';
import type { RunSettings } from '../../settings/run-settings.ts';
import { identifyVariants, type Variant } from '../../sweep/identify-variants.ts';
import { trainingOptions } from '../../sweep/run-sweep.ts';
import type { SweepReporter } from '../../sweep/sweep-reporter.ts';
import { trainPending } from '../../sweep/train-pending.ts';
import { queueConnection, queueName } from './queue-connection.ts';
import type { CheckpointTransfer, QueueJobData, QueueJobResult, RunRecord } from './queue-job.ts';
import { recordingStore } from './recording-store.ts';

export interface QueueWorkerOptions {
  readonly url: string;
  readonly cacheDir: string;
  readonly settings: RunSettings;
  /** Jobs trained at once by this process (default 1: a job already uses the cores). */
  readonly concurrency: number;
  /** A folder shared with the coordinator's artifact folder, for checkpoints too large to pass through Redis. */
  readonly artifactsDir: string | undefined;
  /** How soon another worker takes over the job of a worker that stopped answering (BullMQ's lock). */
  readonly stalledSeconds: number;
  /** ONNX Runtime threads per frozen part; all cores when absent. */
  readonly onnxThreads?: number | undefined;
  readonly reporter: SweepReporter;
  readonly signal: AbortSignal;
  /** Called once the worker is connected and takes jobs. */
  readonly onReady?: () => void;
}

/**
 * Checkpoints up to this size travel inside the job's result in Redis (base64, a third larger);
 * above it the worker needs --artifacts-dir, a folder it shares with the coordinator. 32 MiB holds a
 * pooled head (a 1024-unit Dense on mixed7's 768 channels: 3 MB); a Flatten head at mixed7 is 900 MB.
 */
export const maxCheckpointTransferBytes = 32 * 1024 * 1024;

export class QueueMismatchError extends TlabError {
  constructor(variantId: string, here: { fingerprint: string; weights: string }, coordinator: { fingerprint: string; weights: string }) {
    super(
      'TLAB_QUEUE_MISMATCH',
      `variant ${variantId} is not the coordinator's here: dataset fingerprint ${here.fingerprint.slice(0, 12)}… and weights ${here.weights.slice(0, 12)}… on this worker, ` +
        `${coordinator.fingerprint.slice(0, 12)}… and ${coordinator.weights.slice(0, 12)}… on the coordinator; give this worker the same data (--data-root) and weights (--weights-dir)`,
    );
  }
}

export class CheckpointTooLargeError extends TlabError {
  constructor(bytes: number) {
    super(
      'TLAB_CHECKPOINT_TOO_LARGE',
      `the checkpoint is ${(bytes / 1024 / 1024).toFixed(0)} MiB, more than the ${maxCheckpointTransferBytes / 1024 / 1024} MiB that pass through Redis; ` +
        'start the workers with --artifacts-dir set to the coordinator DB\'s artifact folder, shared between the machines',
    );
  }
}

/**
 * `tlab worker --queue redis://…`: takes group jobs from the queue, rebuilds their variants from the
 * spec with this machine's data and weights, checks they are the coordinator's (same ids, so same
 * dataset fingerprint and weights hash), trains them with its own feature cache into a scratch DB,
 * reports starts and epochs as job progress and returns every run's results for the coordinator,
 * the only writer of the results DB. Resolves when `signal` aborts and the current jobs are done.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const processor = await jobProcessor(options);
  // Stopped while the engines loaded: nothing was taken, so there is nothing to hand back.
  if (options.signal.aborted) return;
  const worker = new Worker<QueueJobData, QueueJobResult>(queueName, processor, {
    connection: queueConnection(options.url),
    concurrency: options.concurrency,
    lockDuration: options.stalledSeconds * 1000,
    stalledInterval: options.stalledSeconds * 1000,
    // A job whose worker died is given to another once more; a second death fails it.
    maxStalledCount: 1,
  });
  // BullMQ retries a lost Redis for good, as a worker should, but reports each retry: one raw
  // ECONNREFUSED line a few times a second during an outage. Said once, until Redis is back.
  let outage = false;
  worker.on('error', (error) => {
    // The first error of an outage says it ("Connection is closed." and ECONNREFUSED both come).
    if (outage) return;
    outage = true;
    options.reporter.warn(`queue: ${error.message}; retrying until Redis at ${options.url} answers (running jobs keep training)`);
  });
  for (const flowing of ['ready', 'active', 'drained'] as const) worker.on(flowing, () => (outage = false));
  if (options.onReady) worker.once('ready', options.onReady);
  worker.on('failed', (job, error) => options.reporter.warn(`job ${job?.id ?? '?'} failed here: ${error.message}`));
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) return resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Closing waits for Redis to take the jobs back; without Redis it would wait for good, so a
  // worker stopped during an outage leaves them to the stalled check of a worker that sees Redis.
  await worker.close(outage).catch((error: unknown) => {
    // Redis went away after the last error it reported: the jobs in hand go back the same way.
    options.reporter.warn(`queue: closed without Redis (${error instanceof Error ? error.message : String(error)}); jobs in hand go back to the queue through the stalled check`);
  });
}

/** What a worker does with one job, apart from taking it off the queue (tests wrap it). */
export async function jobProcessor(options: Omit<QueueWorkerOptions, 'url' | 'concurrency' | 'stalledSeconds'>): Promise<(job: Job<QueueJobData, QueueJobResult>) => Promise<QueueJobResult>> {
  const engine = await selectBackend({ requested: options.settings.backend, warn: (m) => options.reporter.warn(m) });
  const identified = new Map<string, Promise<Variant[]>>();
  return (job) => trainJob(job, engine, identified, options);
}

async function trainJob(
  job: Job<QueueJobData, QueueJobResult>,
  engine: EngineInfo,
  identified: Map<string, Promise<Variant[]>>,
  options: Omit<QueueWorkerOptions, 'url' | 'concurrency' | 'stalledSeconds'>,
): Promise<QueueJobResult> {
  const { data } = job;
  const variants = await variantsOf(data, identified, options);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tlab-worker-'));
  const base = openStore(path.join(scratch, 'scratch.db'));
  try {
    const experimentId = base.ensureExperiment({ name: data.experiment, specText: data.specText, specHash: job.id! });
    base.registerVariants(experimentId, variants.map((v) => ({ id: v.id, index: v.index, params: v.params, config: v.config, seed: v.config.seed })));
    // Progress is for the live view only: a lost event costs nothing, the result carries every epoch.
    const { store, runs } = recordingStore(base, (event) => void job.updateProgress(event).catch(() => undefined));
    const dbFile = path.join(scratch, 'scratch.db');
    const artifacts = new ArtifactStore(options.artifactsDir ?? path.join(scratch, 'artifacts'));
    await trainPending(store, variants, 0, {
      ...trainingOptions({ cacheDir: options.cacheDir, dbFile, strategy: 'planned', featureCache: undefined }, data.metric, engine, options.settings, options.reporter, options.signal, options.onnxThreads),
      artifacts,
    });
    return {
      runs: [...runs].map(([runId, run]): RunRecord => {
        if (run.result === undefined) return { runId, status: 'failed', environment: run.environment, epochs: run.epochs, error: run.error ?? 'the run did not finish' };
        try {
          return { runId, status: 'done', environment: run.environment, epochs: run.epochs, result: { ...run.result, checkpoint: transfer(run.result.checkpoint, artifacts, options.artifactsDir) } };
        } catch (error) {
          if (!(error instanceof CheckpointTooLargeError)) throw error;
          return { runId, status: 'failed', environment: run.environment, epochs: run.epochs, error: `${error.message} [${error.code}]` };
        }
      }),
    };
  } finally {
    base.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The job's variants as this machine resolves them, refused unless they are the coordinator's. */
async function variantsOf(data: QueueJobData, identified: Map<string, Promise<Variant[]>>, options: Pick<QueueWorkerOptions, 'settings' | 'cacheDir' | 'reporter'>): Promise<Variant[]> {
  const key = JSON.stringify([data.specText, data.overrides]);
  let all = identified.get(key);
  if (all === undefined) {
    const loaded = parseSpec(data.specText, data.specName, { overrides: [...data.overrides] });
    all = identifyVariants(loaded.spec.name, expandSweep(loaded).variants, {
      specDir: options.settings.dataRoot ?? process.cwd(),
      dataRoot: options.settings.dataRoot,
      cacheDir: options.cacheDir,
      weights: options.settings.weights,
      warn: (m) => options.reporter.warn(m),
    });
    identified.set(key, all);
  }
  const byIndex = new Map((await all).map((v) => [v.index, v]));
  return data.variants.map((expected) => {
    const variant = byIndex.get(expected.index);
    const here = { fingerprint: variant?.dataset.fingerprint ?? '(no such variant)', weights: variant?.weightsHash ?? '(none)' };
    // No retry can make another machine's data match: the job fails at once.
    if (variant?.id !== expected.id) {
      const mismatch = new QueueMismatchError(expected.id, here, { fingerprint: expected.datasetFingerprint, weights: expected.weightsHash });
      throw new UnrecoverableError(`${mismatch.message} [${mismatch.code}]`);
    }
    return variant;
  });
}

function transfer(checkpoint: { sha256: string; bytes: number } | null, artifacts: ArtifactStore, shared: string | undefined): CheckpointTransfer | null {
  if (checkpoint === null) return null;
  if (shared !== undefined) return checkpoint;
  if (checkpoint.bytes > maxCheckpointTransferBytes) throw new CheckpointTooLargeError(checkpoint.bytes);
  return { ...checkpoint, base64: readFileSync(artifacts.fileOf(checkpoint.sha256)).toString('base64') };
}
