import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { augmentPresets, openStore, type AugmentPresetName } from '@tlab/core';
import { tinySpecText } from '@tlab/core/testing';
import { storedRuns, tinyExperiment } from '../../test/tiny-experiment.ts';
import { defaultRunSettings } from '../settings/run-settings.ts';
import type { SweepReporter } from '../sweep/sweep-reporter.ts';
import { startWorkerPool } from './local-workers.ts';
import { planJobs, planVariantJobs, takeJob, type DrawState } from './sweep-jobs.ts';
import type { ToWorker } from './worker-messages.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tlab.js');

/** Two seeds × two dropouts, augmented: two draws, so two jobs of two heads each. */
const spec = (epochs: number) =>
  tinySpecText({
    augment: 'light',
    train: { epochs },
    sweep: { parameters: { 'head.dropout': { values: [0.0, 0.5] }, seed: { values: [1, 2] } } },
  });

function sweep(ex: ReturnType<typeof tinyExperiment>, db: string, workers: number) {
  const args = [bin, 'sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, `cache-${path.basename(db)}`), '--workers', String(workers)];
  return spawnSync(process.execPath, args, { cwd: ex.dir, encoding: 'utf8', env: { ...process.env, TLAB_BACKEND: 'wasm' } });
}

describe('tlab sweep --workers', () => {
  const variant = (id: string, seed: number, augment: AugmentPresetName, cutoff = 'block1', images = { train: 4, validation: 2 }) => ({
    id,
    index: Number(id.slice(1)),
    frozenCutoff: cutoff,
    config: { seed, augment: augmentPresets[augment], backbone: { name: 'tiny_cnn', cutoff }, data: { image_size: [16, 16] }, train: { epochs: 2, batch_size: 2 } },
    dataset: { train: new Array(images.train), validation: new Array(images.validation) },
  });

  it('plans one job per augmentation draw, and halves the largest jobs when there are fewer jobs than workers', () => {
    const variants = [variant('v0', 1, 'light'), variant('v1', 1, 'light'), variant('v2', 2, 'light'), variant('v3', 2, 'light')] as never[];
    expect(planJobs('e', variants, 'planned', 2).map((job) => job.variants.map((v: { id: string }) => v.id))).toEqual([
      ['v0', 'v1'],
      ['v2', 'v3'],
    ]);
    expect(planJobs('e', variants.slice(0, 2), 'planned', 2).map((job) => job.variants.length)).toEqual([1, 1]);
    const jobs = planJobs('e', variants, 'planned', 2);
    expect(planJobs('e', variants, 'planned', 2).map((job) => job.id)).toEqual(jobs.map((job) => job.id));
  });

  it('plans a job per variant for workers sharing one cache, each computing its group\'s cutoffs, and hands out cached draws first, then new ones', () => {
    const variants = [variant('v0', 1, 'none', 'block1'), variant('v1', 1, 'none', 'block2'), variant('v2', 1, 'light', 'block1'), variant('v3', 1, 'light', 'block2')] as never[];
    const queue = planVariantJobs('e', variants, 'planned');
    expect(queue.map((job) => [job.variants.map((v: { id: string }) => v.id), job.cutoffs])).toEqual([
      [['v2'], ['block1', 'block2']],
      [['v3'], ['block1', 'block2']],
      [['v0'], ['block1', 'block2']],
      [['v1'], ['block1', 'block2']],
    ]);
    const [light, none] = [queue[0]!.draw, queue[2]!.draw];
    expect(light).not.toBe(none);
    const draws = new Map<string, DrawState>([[light, 'computing']]);
    // A draw another worker computes waits while a new draw can start…
    expect(takeJob(queue, draws)!.variants[0]).toMatchObject({ id: 'v0' });
    draws.set(none, 'computing');
    // …and is taken first when every draw is being computed, rather than idle…
    expect(takeJob(queue, draws)!.variants[0]).toMatchObject({ id: 'v2' });
    // …and after a cached draw.
    draws.set(none, 'cached');
    expect(takeJob(queue, draws)!.variants[0]).toMatchObject({ id: 'v1' });
    expect(takeJob(queue, draws)!.variants[0]).toMatchObject({ id: 'v3' });
    expect(takeJob(queue, draws)).toBeUndefined();
  });

  it("hands out first the draws whose first run computes the most features", () => {
    const order = (none: { train: number; validation: number }, light: { train: number; validation: number }) =>
      planVariantJobs('e', [variant('v0', 1, 'none', 'block1', none), variant('v1', 1, 'light', 'block1', light)] as never[], 'planned').flatMap(
        (job) => job.variants.map((v: { id: string }) => v.id),
      );
    // An augmented draw computes every epoch's images (2 × 40 + 10 = 90 against 60 + 10)…
    expect(order({ train: 60, validation: 10 }, { train: 40, validation: 10 })).toEqual(['v1', 'v0']);
    // …an un-augmented one its training images once (100 + 10 against 2 × 40 + 10).
    expect(order({ train: 100, validation: 10 }, { train: 40, validation: 10 })).toEqual(['v0', 'v1']);
  });

  /** A forked worker's stand-in: ready once it has its init, done with each job at once, gone when stopped. */
  class StandInWorker extends EventEmitter {
    connected = true;
    readonly jobs: string[] = [];
    send(message: ToWorker): boolean {
      const reply = (event: string, ...args: unknown[]) => queueMicrotask(() => this.emit(event, ...args));
      if (message.type === 'init') reply('message', { type: 'ready' });
      if (message.type === 'job') {
        this.jobs.push(message.jobId);
        reply('message', { type: 'done', jobId: message.jobId, outcome: { trained: 1, skipped: 0, failed: 0 } });
      }
      if (message.type === 'stop') {
        this.connected = false;
        reply('exit', 0, null);
      }
      return true;
    }
    kill(): boolean {
      this.connected = false;
      this.emit('exit', null, 'SIGTERM');
      return true;
    }
  }

  it.each(['onnx', 'tfjs'] as const)('with the frozen part on %s, hands a forked worker its first job once the sweep process has opened its frozen part (onnx) or at once (tfjs)', async (frozenEngine) => {
    // On ONNX Runtime the worker then opens the file the sweep process converted, instead of building its own.
    const child = new StandInWorker();
    const settings = { ...defaultRunSettings(), frozenEngine };
    const pool = startWorkerPool({ dbFile: 'unused.db', cacheDir: 'unused', strategy: 'planned', featureCache: undefined, settings, onnxThreads: 1 }, 2, () => child as unknown as ChildProcess);
    let openFrozenPart = () => {};
    let endJob = () => {};
    const quiet = new Proxy({}, { get: () => () => undefined }) as SweepReporter;
    const trained = pool.train([variant('v0', 1, 'light'), variant('v1', 1, 'none'), variant('v2', 1, 'none')] as never[], 0, {
      experiment: 'e',
      metric: { name: 'val_accuracy', goal: 'maximize' } as never,
      strategy: 'planned',
      reporter: quiet,
      signal: undefined,
      statusOf: () => undefined,
      // The sweep process's job: it opens its frozen part, then ends, when the test says so.
      trainHere: (_job, reporter) =>
        new Promise((resolve) => {
          openFrozenPart = () => reporter.engine({} as never, { engine: 'onnxruntime', threads: 1 });
          endJob = () => resolve({ trained: 1, skipped: 0, failed: 0 });
        }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(child.jobs).toHaveLength(frozenEngine === 'onnx' ? 0 : 2);
    openFrozenPart();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(child.jobs).toHaveLength(2);
    endJob();
    await expect(trained).resolves.toEqual({ trained: 3, skipped: 0, failed: 0 });
  });

  it('trains every variant once in the sweep process and a forked worker, with the same numbers as one process', () => {
    const ex = tinyExperiment(spec(3));
    const one = sweep(ex, path.join(ex.dir, 'one.db'), 1);
    expect(one.status, one.stderr).toBe(0);
    const two = sweep(ex, path.join(ex.dir, 'two.db'), 2);
    expect(two.status, two.stderr).toBe(0);
    expect(two.stdout).toContain('[4/4]');
    const single = storedRuns(path.join(ex.dir, 'one.db'));
    const parallel = storedRuns(path.join(ex.dir, 'two.db'));
    expect(Object.values(parallel).map((run) => [run.status, run.attempts])).toEqual(new Array(4).fill(['done', 1]));
    expect(parallel).toEqual(single);
  });

  it.each([
    ['SIGKILL', 'SIGKILL'],
    // What systemd and Kubernetes send every process of the group: the worker marks its run interrupted and exits 143.
    ['SIGTERM', 'exit code 143'],
  ] as const)('hands the job of a worker stopped with %s to a new worker, which restarts its run from scratch', async (signal, ended) => {
    const ex = tinyExperiment(spec(40));
    const db = path.join(ex.dir, 'killed.db');
    const sweeping = startSweep(ex, db);
    // A run whose lease owner is a forked worker; the sweep process trains the other job itself.
    const owners = await trainingOwners(db, 20, (seen) => [...seen.values()].some((pid) => pid !== sweeping.pid));
    const victim = [...owners].find(([, pid]) => pid !== sweeping.pid);
    expect(victim, sweeping.output()).toBeDefined();
    const [victimRun, victimPid] = victim!;
    process.kill(victimPid, signal);
    expect(await sweeping.exited, sweeping.output()).toBe(0);
    expect(sweeping.output()).toContain(`a worker process ended (${ended})`);

    const runs = storedRuns(db);
    expect(Object.values(runs).map((run) => run.status)).toEqual(new Array(4).fill('done'));
    expect(runs[victimRun]!.attempts).toBe(2);
    expect(runs[victimRun]!.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const reference = sweep(ex, path.join(ex.dir, 'reference.db'), 1);
    expect(reference.status, reference.stderr).toBe(0);
    const single = storedRuns(path.join(ex.dir, 'reference.db'));
    for (const [id, run] of Object.entries(runs)) expect(run.epochs).toEqual(single[id]!.epochs);
  }, 180_000);

  it('on Ctrl-C marks the runs of the sweep process and of its forked worker interrupted, and a new sweep finishes them', async () => {
    // More epochs than above: both processes' runs must still train when the signal lands, and the
    // sweep process's first run starts 1.4-2.3 s before its worker's (1 s at 40 epochs failed a CI).
    const ex = tinyExperiment(spec(200));
    const db = path.join(ex.dir, 'interrupted.db');
    const sweeping = startSweep(ex, db);
    // One run is the sweep process's own, the other its worker's.
    const owners = await trainingOwners(db, 100, (seen) => new Set(seen.values()).size === 2);
    expect(new Set(owners.values()).has(sweeping.pid), sweeping.output()).toBe(true);
    expect(new Set(owners.values()).size).toBe(2);
    process.kill(sweeping.pid, 'SIGINT');
    expect(await sweeping.exited, sweeping.output()).toBe(130);
    const runs = storedRuns(db);
    for (const id of owners.keys()) expect(runs[id]!.status).toBe('interrupted');
    expect(Object.values(runs).some((run) => run.status === 'running')).toBe(false);

    const resumed = sweep(ex, db, 2);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(Object.values(storedRuns(db)).map((run) => run.status)).toEqual(new Array(4).fill('done'));
  }, 180_000);
});

function startSweep(ex: ReturnType<typeof tinyExperiment>, db: string) {
  const child = spawn(process.execPath, [bin, 'sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, 'cache'), '--workers', '2'], {
    cwd: ex.dir,
    env: { ...process.env, TLAB_BACKEND: 'wasm' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  return { pid: child.pid!, exited: new Promise<number | null>((resolve) => child.once('exit', resolve)), output: () => output };
}

/**
 * Runs training at the same time, by id, with their lease owner's pid (owners are host:pid:nonce),
 * polled until one look finds what `wanted` asks. Each is two epochs in and at most `latest`: a
 * signal sent now lands while it still trains, however fast the machine.
 */
async function trainingOwners(db: string, latest: number, wanted: (seen: Map<string, number>) => boolean): Promise<Map<string, number>> {
  // One snapshot: runs seen at different polls may no longer be training together (one may be done).
  let seen = new Map<string, number>();
  for (let i = 0; i < 600 && !wanted(seen); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      const store = openStore(db, { readonly: true });
      try {
        const [experiment] = store.listExperiments();
        seen = new Map();
        for (const run of experiment ? store.runsOf(experiment.id) : []) {
          const epochs = store.epochsOf(run.id).length;
          if (run.status === 'running' && run.lease !== null && epochs >= 2 && epochs <= latest) seen.set(run.id, Number(run.lease.owner.split(':')[1]));
        }
      } finally {
        store.close();
      }
    } catch {
      // The DB is not there yet.
    }
  }
  return seen;
}
