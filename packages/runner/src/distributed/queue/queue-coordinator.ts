import { existsSync, statSync } from 'node:fs';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { isTlabError, type ArtifactStore, type EpochRecord, type LoadedSpec, type RunEnvironment, type Store } from '@tlab/core';
import { RunInterruptedError } from '@tlab/trainer';
import type { Variant } from '../../sweep/identify-variants.ts';
import { keepLease, releaseDeadOwners, sleep } from '../../sweep/leases.ts';
import type { SweepOutcome, SweepReporter } from '../../sweep/sweep-reporter.ts';
import { planJobs, type SweepJob } from '../sweep-jobs.ts';
import { queueConnection, queueName } from './queue-connection.ts';
import type { QueueJobData, QueueJobResult, RunEvent, RunRecord } from './queue-job.ts';

export interface QueueCoordinatorOptions {
  readonly url: string;
  readonly loaded: LoadedSpec;
  readonly overrides: readonly string[];
  readonly artifacts: ArtifactStore;
  readonly reporter: SweepReporter;
  readonly signal: AbortSignal | undefined;
  /** What a run records when its job fails before any worker started it: this machine's engines, the variant's inputs. */
  readonly environmentOf: (variant: Variant) => RunEnvironment;
  /** How often job states are read back from Redis (the events stream can lose entries across a Redis restart). */
  readonly pollMs?: number;
}

/** A job is tried this many times (a worker's error, or a second death) before it ends `failed`. */
const attemptsPerJob = 3;

/**
 * `tlab sweep --queue redis://…`: enqueues the pending variants' group jobs under ids that depend
 * only on the experiment and the variants, so running the sweep again re-attaches to them instead
 * of adding more, and commits what the workers report: starts and epochs as they come (job
 * progress, for the live view), and each finished job's full results (its return value, kept in
 * Redis until committed). It stays the only writer of the results DB; a run finished once is never
 * written again.
 */
export async function trainOnQueue(store: Store, pending: readonly Variant[], skipped: number, options: QueueCoordinatorOptions): Promise<SweepOutcome> {
  const { reporter, loaded } = options;
  const outcome = { trained: 0, skipped, failed: 0 };
  const jobs = planJobs(loaded.spec.name, pending, 'planned', 1);
  const connection = queueConnection(options.url);
  const queue = new Queue<QueueJobData, QueueJobResult>(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  const ours = new Map(jobs.map((job) => [job.id, job]));
  const leases = new Map<string, () => void>();
  let started = 0;
  try {
    releaseDeadOwners(store, pending);
    events.on('progress', ({ jobId, data }) => {
      if (ours.has(jobId)) applyEvent(data as RunEvent);
    });
    await events.waitUntilReady();
    for (const job of jobs) await enqueue(queue, job, options);

    const open = new Set(jobs.map((job) => job.id));
    const failedSeen = new Map<string, number>();
    while (open.size > 0) {
      if (options.signal?.aborted) throw new RunInterruptedError();
      for (const id of [...open]) {
        // The state first, then the job: a job read before its state can finish in between and
        // read 'completed' with no return value (CI saw it when Redis restarted between the two reads).
        const state = await queue.getJobState(id);
        const job = state === 'completed' || state === 'failed' ? await queue.getJob(id) : undefined;
        if (state === 'completed' && job !== undefined) {
          commitResult(job.returnvalue);
          open.delete(id);
        } else if (state === 'failed' && job !== undefined) {
          // Final when seen twice with the same attempts: a retry is moved on from 'failed' within a
          // poll (CI once saw a job read 'failed' after its 2nd of 3 attempts).
          const seen = failedSeen.get(id);
          failedSeen.set(id, job.attemptsMade);
          if (seen !== job.attemptsMade) continue;
          failJob(ours.get(id)!, job.attemptsMade, job.failedReason);
          open.delete(id);
        } else if (state === 'unknown') {
          // Removed from Redis behind our back (or Redis lost it): put it back.
          await enqueue(queue, ours.get(id)!, options);
        }
      }
      if (open.size > 0) await sleep(options.pollMs ?? 500, options.signal);
    }
  } catch (error) {
    if (error instanceof RunInterruptedError || options.signal?.aborted) {
      for (const runId of leases.keys()) store.interruptRun(runId);
      throw new RunInterruptedError([...leases.keys()]);
    }
    throw error;
  } finally {
    for (const stop of leases.values()) stop();
    await events.close();
    await queue.close();
  }
  reporter.finished(outcome);
  return outcome;

  function claim(runId: string, environment: RunEnvironment, announce = true): void {
    leases.get(runId)?.();
    if (!store.startRun(runId, environment)) return;
    leases.set(runId, keepLease(store, runId, store.leaseMs, () => leases.delete(runId)));
    const variant = pending.find((v) => v.id === runId);
    if (variant && announce) reporter.runStarted({ position: ++started, count: pending.length, id: runId, params: variant.params, epochs: variant.config.train.epochs });
  }

  function applyEvent(event: RunEvent): void {
    try {
      if (event.type === 'started') claim(event.runId, event.environment);
      else if (leases.has(event.runId)) store.recordEpoch(event.runId, event.epoch);
    } catch (error) {
      // A late or repeated event (the run was committed from its job's result already) changes nothing.
      if (!isTlabError(error, 'TLAB_RUN_WRONG_STATUS') && !isTlabError(error, 'TLAB_LEASE_LOST')) throw error;
    }
  }

  function commitResult(result: QueueJobResult): void {
    for (const record of result.runs) {
      if (store.getRun(record.runId)?.status === 'done') continue;
      const stored = leases.has(record.runId) ? store.epochsOf(record.runId) : undefined;
      // Progress events wrote a prefix of this attempt's epochs: keep it, add the rest; anything else starts over.
      const kept = stored !== undefined && isPrefix(stored, record.epochs) ? stored.length : undefined;
      if (kept === undefined) claim(record.runId, record.environment);
      if (!leases.has(record.runId)) {
        reporter.warn(`run ${record.runId} is held by another live process; its result from the queue is left to it`);
        continue;
      }
      for (const epoch of record.epochs.slice(kept ?? 0)) store.recordEpoch(record.runId, epoch);
      if (record.status === 'done') commitDone(record);
      else {
        store.failRun(record.runId, record.error);
        reporter.runFailed(record.runId, record.error);
        outcome.failed += 1;
      }
      leases.get(record.runId)?.();
      leases.delete(record.runId);
    }
  }

  function commitDone(record: Extract<RunRecord, { status: 'done' }>): void {
    const { checkpoint, ...result } = record.result;
    let ref = null;
    if (checkpoint !== null) {
      ref = checkpoint.base64 === undefined ? { sha256: checkpoint.sha256, bytes: checkpoint.bytes } : options.artifacts.put([Buffer.from(checkpoint.base64, 'base64')]);
      if (ref.sha256 !== checkpoint.sha256 || !arrived(options.artifacts, ref)) {
        const message = `its checkpoint ${checkpoint.sha256.slice(0, 12)}… did not arrive intact in ${options.artifacts.dir}`;
        store.failRun(record.runId, message);
        reporter.runFailed(record.runId, message);
        outcome.failed += 1;
        return;
      }
    }
    store.finishRun(record.runId, { ...result, checkpoint: ref });
    reporter.runFinished(record.runId, result.metrics, loaded.spec.metric);
    outcome.trained += 1;
  }

  function failJob(job: SweepJob<Variant>, attempts: number, reason: string): void {
    for (const variant of job.variants) {
      if (store.getRun(variant.id)?.status === 'done') continue;
      const message = `its job failed on the queue's workers (${attempts} attempt${attempts === 1 ? '' : 's'}); the last error: ${reason}`;
      // Never started by a worker (or not since this coordinator started): the failure gets an attempt of its own.
      if (!leases.has(variant.id)) claim(variant.id, options.environmentOf(variant), false);
      if (leases.has(variant.id)) store.failRun(variant.id, message);
      reporter.runFailed(variant.id, message);
      outcome.failed += 1;
    }
  }
}

async function enqueue(queue: Queue<QueueJobData, QueueJobResult>, job: SweepJob<Variant>, options: QueueCoordinatorOptions): Promise<void> {
  const existing: Job<QueueJobData, QueueJobResult> | undefined = await queue.getJob(job.id);
  // A job that failed in an earlier sweep is tried again, as a failed run is.
  if (existing !== undefined && (await existing.getState()) === 'failed') await existing.retry('failed');
  if (existing !== undefined) return;
  await queue.add('group', jobData(job, options), { jobId: job.id, attempts: attemptsPerJob, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false });
}

function jobData(job: SweepJob<Variant>, { loaded, overrides }: QueueCoordinatorOptions): QueueJobData {
  return {
    experiment: loaded.spec.name,
    specText: loaded.text,
    specName: loaded.file,
    overrides,
    metric: loaded.spec.metric,
    variants: job.variants.map((v) => ({ id: v.id, index: v.index, datasetFingerprint: v.dataset.fingerprint, weightsHash: v.weightsHash })),
  };
}

/** A checkpoint a worker wrote into the shared artifact folder, or the bytes it sent, is there whole. */
function arrived(artifacts: ArtifactStore, ref: { sha256: string; bytes: number }): boolean {
  const file = artifacts.fileOf(ref.sha256);
  return existsSync(file) && statSync(file).size === ref.bytes;
}

function isPrefix(stored: readonly EpochRecord[], epochs: readonly EpochRecord[]): boolean {
  return stored.length <= epochs.length && stored.every((e, i) => e.epoch === epochs[i]!.epoch && e.valLoss === epochs[i]!.valLoss && e.loss === epochs[i]!.loss);
}

