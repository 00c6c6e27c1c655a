import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { MetricSpec, RunStatus } from '@tlab/core';
import type { BackboneConfig } from '@tlab/trainer';
import { RunInterruptedError } from '@tlab/trainer/options';
import type { RunSettings } from '../settings/run-settings.ts';
import type { Variant } from '../sweep/identify-variants.ts';
import type { SweepOptions } from '../sweep/run-sweep.ts';
import type { SweepStrategy } from '../sweep/plan-groups.ts';
import type { SweepOutcome, SweepReporter } from '../sweep/sweep-reporter.ts';
import { onnxThreadsPer } from './onnx-threads.ts';
import { planVariantJobs, takeJob, type DrawState, type SweepJob } from './sweep-jobs.ts';
import { WorkerFailedError } from './worker-failed-error.ts';
import { fatalMessage, forwardingReporter, packVariants, type FromWorker, type ToWorker, type WorkerInit } from './worker-messages.ts';

export interface WorkerJobsOptions {
  readonly experiment: string;
  readonly metric: MetricSpec;
  readonly strategy: SweepStrategy;
  readonly reporter: SweepReporter;
  readonly signal: AbortSignal | undefined;
  /** A run's status in the DB, to count what a job that kept crashing its workers left unfinished. */
  readonly statusOf: (runId: string) => RunStatus | undefined;
  /**
   * Trains a job in the sweep process, which is one of the N workers: it has its engines and the
   * backbone's modules loaded already, and one process fewer loads them beside it.
   */
  readonly trainHere: (job: SweepJob<Variant>, reporter: SweepReporter, signal: AbortSignal) => Promise<SweepOutcome>;
}

/** `tlab sweep --workers N`'s N − 1 worker processes, started before the sweep knows its jobs. */
export interface WorkerPool {
  /** ONNX Runtime's threads in each worker, the sweep process's own included: the cores shared out. */
  readonly onnxThreads: number;
  /** Hands out the pending variants' jobs to the workers until every job is done; stops the workers. */
  train(pending: readonly Variant[], skipped: number, options: WorkerJobsOptions): Promise<SweepOutcome>;
  /** Ends the workers without training (the sweep failed before its first job, or had none). */
  close(): void;
  /**
   * Has every forked worker load the sweep's first backbone while the sweep is still checking it
   * (later calls are ignored: a job waits for its worker's warming, so warming every backbone of a
   * sweep with several would delay the first job behind ones it does not need). Only for a frozen
   * part on tfjs: on ONNX Runtime the workers open the file the sweep converts instead (see train).
   */
  readonly warm: (backbone: BackboneConfig, imageSize: [number, number]) => void;
}

const workerEntry = path.resolve(import.meta.dirname, '../../bin/local-worker.js');
/** A job whose worker dies is handed to a fresh worker this many times before the sweep gives up on it. */
const retriesPerJob = 1;

interface Worker {
  /** A forked worker's process; none for the sweep process's own. */
  readonly child: ChildProcess | undefined;
  /** Starts the worker's next job, or ends the worker when there is none. */
  take(job: SweepJob<Variant> | undefined, metric: MetricSpec): void;
  /** Stops the worker's training: its current run is marked interrupted after its batch, as on Ctrl-C. */
  interrupt(): void;
  ready: boolean;
  job: SweepJob<Variant> | undefined;
}

/**
 * The forked workers a sweep's options ask for, started at once: none for one worker, a dry run or
 * `--queue`. `tlab sweep` calls this before it loads the ML stack, so that each worker loads its
 * own while the sweep loads, reads the spec and registers the runs; the caller closes the pool.
 */
export function startSweepWorkers(
  options: Pick<SweepOptions, 'dbFile' | 'cacheDir' | 'dryRun' | 'queue' | 'strategy' | 'featureCache'>,
  settings: RunSettings,
  workers: number,
): WorkerPool | undefined {
  if (workers < 2 || options.dryRun === true || options.queue !== undefined) return undefined;
  const init: WorkerInit = {
    dbFile: path.resolve(options.dbFile),
    cacheDir: path.resolve(options.cacheDir),
    strategy: options.strategy ?? 'planned',
    featureCache: options.featureCache,
    settings,
    onnxThreads: onnxThreadsPer(workers),
  };
  return startWorkerPool(init, workers);
}

/**
 * Forks `workers` − 1 worker processes, each loading its engines (and, told by `warm` with a tfjs
 * frozen part, the sweep's backbone) while the sweep prepares; the sweep process is the last
 * worker. Each job message carries its variants as the sweep identified them (data hashed, layers
 * checked once, here). The workers share the sweep's feature cache, so a job is one variant (see
 * planVariantJobs): each free worker takes the next by `takeJob`, which keeps a second worker off a
 * draw another is still computing while there is other work, and writes its runs to the DB itself
 * under its own leases, as concurrent `tlab sweep` processes do. A forked worker killed mid-job is
 * replaced; its job goes to the new worker, which takes the dead worker's run over at once (its
 * owner's pid is gone) and restarts it from scratch. `forkWorker` starts one worker process (a
 * test passes a stand-in).
 */
export function startWorkerPool(init: WorkerInit, workers: number, forkWorker: () => ChildProcess = forkLocalWorker): WorkerPool {
  const pool = new Set<Worker>();
  let onMessage: (worker: Worker, message: FromWorker) => void = (worker, message) => {
    if (message.type === 'ready') worker.ready = true;
  };
  let onExit: (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
  let warming: ToWorker | undefined;
  // With the frozen part on ONNX Runtime, the forked workers take their first jobs once the sweep
  // process's first job has opened its frozen part: the `.onnx` file it converted is then there for
  // them to open without building the backbone in tfjs (FrozenGroupSession). Building and converting
  // their own copy cost each forked worker about 3.5 CPU-seconds and its page faults, which two
  // cores paid for in the sweep's time (README, Scaling out).
  const convertsFirst = init.settings.frozenEngine === 'onnx';

  const spawnWorker = (): void => {
    const child = forkWorker();
    const send = (message: ToWorker): void => sendTo(child, message);
    const worker: Worker = {
      child,
      ready: false,
      job: undefined,
      take: (job, metric) => send(job === undefined ? { type: 'stop' } : { type: 'job', jobId: job.id, metric, cutoffs: job.cutoffs, job: packVariants(job.variants) }),
      interrupt: () => child.kill('SIGINT'),
    };
    pool.add(worker);
    child.on('message', (message: FromWorker) => onMessage(worker, message));
    child.once('exit', (code, signal) => {
      pool.delete(worker);
      onExit(worker, code, signal);
    });
    send({ type: 'init', init });
    if (warming !== undefined) send(warming);
  };
  for (let i = 1; i < workers; i++) spawnWorker();

  return {
    onnxThreads: init.onnxThreads,

    close() {
      for (const worker of pool) worker.child?.kill();
    },

    warm(backbone, imageSize) {
      if (warming !== undefined || convertsFirst) return;
      warming = { type: 'warm', backbone, imageSize };
      for (const { child } of pool) if (child !== undefined) sendTo(child, warming);
    },

    train(pending, skipped, options) {
      const { reporter } = options;
      const outcome = { trained: 0, skipped, failed: 0 };
      const queue = planVariantJobs(options.experiment, pending, options.strategy);
      const draws = new Map<string, DrawState>();
      const crashes = new Map<string, number>();
      const enginesShown = new Set<string>();
      let started = 0;
      let stopping: Error | undefined;
      let holding = convertsFirst;

      return new Promise<SweepOutcome>((resolve, reject) => {
        const finish = () => {
          if (pool.size > 0) return;
          options.signal?.removeEventListener('abort', onAbort);
          if (stopping !== undefined) return reject(stopping);
          reporter.finished(outcome);
          resolve(outcome);
        };
        const stopAll = (error: Error) => {
          stopping ??= error;
          queue.length = 0;
          for (const worker of pool) worker.interrupt();
        };
        const onAbort = () => stopAll(new RunInterruptedError());
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const next = (worker: Worker) => {
          worker.job = takeJob(queue, draws);
          if (worker.job !== undefined && !draws.has(worker.job.draw)) draws.set(worker.job.draw, 'computing');
          worker.take(worker.job, options.metric);
        };
        // Hands the held forked workers their first jobs (see convertsFirst).
        const release = () => {
          if (!holding) return;
          holding = false;
          for (const worker of pool) if (worker !== here && worker.ready && worker.job === undefined) next(worker);
        };

        onMessage = (worker, message) => {
          // The sweep process's first job reports its engines once its frozen part is open, and
          // reports done or fatal however it went.
          if (worker === here && message.type !== 'report') release();
          switch (message.type) {
            case 'ready':
              worker.ready = true;
              return holding && worker !== here ? undefined : next(worker);
            case 'report':
              if (worker === here && message.method === 'engine') release();
              if (message.method === 'runStarted') {
                // Positions count over the whole sweep, not one worker's job.
                const [run] = message.args as Parameters<SweepReporter['runStarted']>;
                return reporter.runStarted({ ...run, position: ++started, count: pending.length });
              }
              if (message.method === 'engine') {
                // Every worker names its engines; the sweep says each pair once.
                const key = JSON.stringify(message.args);
                if (enginesShown.has(key)) return;
                enginesShown.add(key);
              }
              return (reporter[message.method] as (...args: unknown[]) => void)(...message.args);
            case 'done':
              draws.set(worker.job!.draw, 'cached');
              outcome.trained += message.outcome.trained;
              outcome.failed += message.outcome.failed;
              return next(worker);
            case 'fatal':
              worker.job = undefined;
              return stopAll(new WorkerFailedError(`a worker stopped: ${message.message} [${message.code}]`));
          }
        };
        onExit = (worker, code, signal) => {
          const { job } = worker;
          if (job !== undefined && stopping === undefined) {
            // Its draw's features may be half cached: the next job of the draw computes the rest.
            if (draws.get(job.draw) === 'computing') draws.delete(job.draw);
            const count = (crashes.get(job.id) ?? 0) + 1;
            crashes.set(job.id, count);
            const how = signal === null ? `exit code ${code}` : signal;
            if (count <= retriesPerJob) {
              reporter.warn(`a worker process ended (${how}) during job ${job.id}; a new worker restarts its unfinished runs`);
              queue.unshift(job);
              spawnWorker();
            } else {
              const unfinished = job.variants.filter((v) => options.statusOf(v.id) !== 'done');
              outcome.failed += unfinished.length;
              for (const v of unfinished) reporter.runFailed(v.id, `its worker process ended (${how}) ${count} times; it stays ${options.statusOf(v.id)} for the next sweep`);
              if (queue.length > 0) spawnWorker();
            }
          } else if (stopping === undefined && queue.length > 0 && pool.size === 0) {
            stopAll(new WorkerFailedError(`every worker process ended (${signal ?? `exit code ${code}`}) before taking the sweep's jobs`));
          }
          finish();
        };

        const here: Worker = sweepProcessWorker(options.trainHere, {
          emit: (message) => onMessage(here, message),
          exit: (code) => {
            pool.delete(here);
            release();
            onExit(here, code, null);
          },
        });
        pool.add(here);
        // The sweep process takes the first job: its engines are loaded already.
        next(here);
        if (here.job === undefined) holding = false;
        if (!holding) for (const worker of pool) if (worker !== here && worker.ready) next(worker);
        finish();
      });
    },
  };
}

/** A worker process of the pool (bin/local-worker.js), talking to the sweep over IPC. */
function forkLocalWorker(): ChildProcess {
  return fork(workerEntry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function sendTo(child: ChildProcess, message: ToWorker): void {
  if (child.connected) child.send(message);
}

/**
 * The sweep process as a worker: it trains the jobs it takes with `trainHere` and tells the pool
 * what a forked worker would send (reports, `done`, `fatal`) and how it would have exited.
 */
function sweepProcessWorker(
  trainHere: WorkerJobsOptions['trainHere'],
  pool: { readonly emit: (message: FromWorker) => void; readonly exit: (code: number) => void },
): Worker {
  const controller = new AbortController();
  const reporter = forwardingReporter(pool.emit);
  return {
    child: undefined,
    ready: true,
    job: undefined,
    interrupt: () => controller.abort(),
    take(job) {
      if (job === undefined) return pool.exit(0);
      trainHere(job, reporter, controller.signal).then(
        (outcome) => pool.emit({ type: 'done', jobId: job.id, outcome }),
        (error: unknown) => {
          if (error instanceof RunInterruptedError) return pool.exit(130);
          pool.emit(fatalMessage(error));
          pool.exit(1);
        },
      );
    },
  };
}
