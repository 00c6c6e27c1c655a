import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '@tlab/core';
import { tinySpecText } from '@tlab/core/testing';
import { queueConnection, queueName } from '../src/distributed/queue/queue-connection.ts';
import type { QueueJobData, QueueJobResult } from '../src/distributed/queue/queue-job.ts';
import { jobProcessor } from '../src/distributed/queue/queue-worker.ts';
import { defaultRunSettings } from '../src/settings/run-settings.ts';
import { hasRedis, startRedis, type TestRedis } from './redis-server.ts';
import { recordingReporter, storedRuns, tinyExperiment } from './tiny-experiment.ts';

const bin = path.resolve(import.meta.dirname, '../bin/tlab.js');

/** 4 dropouts × 3 seeds, augmented: 12 variants in 3 jobs (one per seed's augmentation draw). */
const spec = (epochs: number) =>
  tinySpecText({
    augment: 'light',
    train: { epochs },
    sweep: { parameters: { 'head.dropout': { values: [0.0, 0.25, 0.5, 0.75] }, seed: { values: [1, 2, 3] } } },
  });

interface Spawned {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

const children: ChildProcess[] = [];
let redis: TestRedis | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await redis?.stop();
  redis = undefined;
});

function tlab(args: string[], cwd: string): Spawned {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, TLAB_BACKEND: 'wasm' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (data: Buffer) => (text += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (text += data.toString()));
  return { child, exited: new Promise((resolve) => child.once('exit', resolve)), output: () => text };
}

/**
 * Polls the coordinator's DB until `ready` says so (the DB may not exist yet), for up to 2 minutes:
 * the first run after `npm install` once needed more than 60 s for its workers to get two runs going.
 */
async function waitFor<T>(db: string, ready: (runs: ReturnType<typeof storedRuns>) => T | undefined, what: string): Promise<T> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    try {
      const found = ready(storedRuns(db));
      if (found !== undefined) return found;
    } catch {
      // No DB, or no experiment in it, yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function reference(ex: ReturnType<typeof tinyExperiment>) {
  const db = path.join(ex.dir, 'reference.db');
  const result = spawnSync(process.execPath, [bin, 'sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, 'reference-cache')], {
    cwd: ex.dir,
    encoding: 'utf8',
    env: { ...process.env, TLAB_BACKEND: 'wasm' },
  });
  expect(result.status, result.stderr).toBe(0);
  return storedRuns(db);
}

function expectSameEpochs(runs: ReturnType<typeof storedRuns>, single: ReturnType<typeof storedRuns>): void {
  expect(Object.keys(runs).sort()).toEqual(Object.keys(single).sort());
  for (const [id, run] of Object.entries(runs)) {
    expect(run.status).toBe('done');
    expect(run.epochs).toEqual(single[id]!.epochs);
  }
}

const worker = (ex: ReturnType<typeof tinyExperiment>, url: string, name: string) =>
  tlab(['worker', '--queue', url, '--cache-dir', path.join(ex.dir, `cache-${name}`), '--stalled-seconds', '2'], ex.dir);

describe.skipIf(!hasRedis)('tlab sweep --queue with tlab workers on a real redis-server (needs redis-server)', () => {
  it('finishes a 12-variant sweep on 3 workers, one killed with SIGKILL mid-group, every variant done once with the numbers of one process (needs redis-server)', async () => {
    redis = await startRedis();
    const ex = tinyExperiment(spec(30));
    const db = path.join(ex.dir, 'queue.db');
    const coordinator = tlab(['sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, 'cache'), '--queue', redis.url], ex.dir);
    const workers = ['a', 'b', 'c'].map((name) => worker(ex, redis!.url, name));
    // Three jobs for three workers, each training one run at a time: three runs under way mean the
    // first worker holds a job (with two, it might not have taken one yet); it dies mid-group.
    await waitFor(db, (runs) => (Object.values(runs).filter((r) => r.status === 'running' && r.epochs.length >= 2).length >= 3 ? true : undefined), 'three runs two epochs in');
    workers[0]!.child.kill('SIGKILL');
    expect(await coordinator.exited, coordinator.output()).toBe(0);
    const runs = storedRuns(db);
    expect(Object.values(runs).filter((r) => r.status === 'done')).toHaveLength(12);
    // The dead worker's job started over on another worker: a second attempt, never a second row.
    expect(Object.values(runs).some((r) => r.attempts === 2)).toBe(true);
    for (const run of Object.values(runs)) expect(run.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expectSameEpochs(runs, reference(ex));
  }, 240_000);

  it('re-attaches a restarted coordinator to its jobs: nothing enqueued twice, nothing finished trained again (needs redis-server)', async () => {
    redis = await startRedis();
    const ex = tinyExperiment(spec(15));
    const db = path.join(ex.dir, 'queue.db');
    const args = ['sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, 'cache'), '--queue', redis.url];
    const first = tlab(args, ex.dir);
    worker(ex, redis.url, 'a');
    const committed = await waitFor(db, (runs) => {
      const done = Object.entries(runs).filter(([, r]) => r.status === 'done');
      return done.length >= 4 ? done.map(([id]) => id) : undefined;
    }, 'the first job committed');
    first.child.kill('SIGKILL');
    await first.exited;
    const second = tlab(args, ex.dir);
    expect(await second.exited, second.output()).toBe(0);
    const runs = storedRuns(db);
    for (const id of committed) expect(runs[id]!.attempts).toBe(1);
    const queue = new Queue(queueName, { connection: queueConnection(redis.url) });
    try {
      expect(await queue.getJobCountByTypes('completed', 'failed', 'wait', 'active', 'delayed')).toBe(3);
    } finally {
      await queue.close();
    }
    expectSameEpochs(runs, reference(ex));
  }, 240_000);

  it('loses no finished result when Redis restarts mid-sweep with its append-only file (needs redis-server)', async () => {
    redis = await startRedis({ appendOnly: true });
    const ex = tinyExperiment(spec(15));
    const db = path.join(ex.dir, 'queue.db');
    const coordinator = tlab(['sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, 'cache'), '--queue', redis.url], ex.dir);
    worker(ex, redis.url, 'a');
    worker(ex, redis.url, 'b');
    await waitFor(db, (runs) => (Object.values(runs).some((r) => r.status === 'done') ? true : undefined), 'a finished run');
    await redis.restart();
    expect(await coordinator.exited, coordinator.output()).toBe(0);
    expectSameEpochs(storedRuns(db), reference(ex));
  }, 240_000);

  it("fails a job at once on a worker whose data differs, naming both fingerprints (needs redis-server)", async () => {
    redis = await startRedis();
    const ex = tinyExperiment(spec(2));
    // The worker's copy of the data: one training image differs by a byte.
    const elsewhere = path.join(ex.dir, 'elsewhere');
    cpSync(path.join(ex.dir, 'images'), path.join(elsewhere, 'images'), { recursive: true });
    const [label] = readdirSync(path.join(elsewhere, 'images', 'train'));
    const [image] = readdirSync(path.join(elsewhere, 'images', 'train', label!));
    appendFileSync(path.join(elsewhere, 'images', 'train', label!, image!), Buffer.from([0]));
    const db = path.join(ex.dir, 'queue.db');
    const coordinator = tlab(['sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, 'cache'), '--queue', redis.url], ex.dir);
    tlab(['worker', '--queue', redis.url, '--data-root', elsewhere, '--cache-dir', path.join(ex.dir, 'cache-elsewhere')], ex.dir);
    expect(await coordinator.exited, coordinator.output()).toBe(1);
    expect(coordinator.output()).toMatch(/\(1 attempt\); the last error: variant \w+ is not the coordinator's here: dataset fingerprint \w{12}… and weights \w{12}… on this worker, \w{12}… and \w{12}… on the coordinator.*\[TLAB_QUEUE_MISMATCH\]/);
    expect(Object.values(storedRuns(db)).map((r) => r.status)).toEqual(new Array(12).fill('failed'));
  }, 240_000);

  it('ends a job that fails on every attempt failed with its error, and finishes the rest of the sweep (needs redis-server)', async () => {
    redis = await startRedis();
    const ex = tinyExperiment(spec(3));
    const db = path.join(ex.dir, 'queue.db');
    const coordinator = tlab(['sweep', '--spec', ex.spec, '--db', db, '--cache-dir', path.join(ex.dir, 'cache'), '--queue', redis.url], ex.dir);
    // A worker in this process whose seed-2 job throws, every time; the others train for real.
    const controller = new AbortController();
    const process = await jobProcessor({ cacheDir: path.join(ex.dir, 'cache-here'), settings: { ...defaultRunSettings(), dataRoot: ex.dir }, artifactsDir: undefined, reporter: recordingReporter(), signal: controller.signal });
    const here = new Worker<QueueJobData, QueueJobResult>(
      queueName,
      async (job) => {
        if (job.data.variants.some((v) => v.index % 3 === 1)) throw new Error('a group that breaks its worker');
        return process(job);
      },
      { connection: queueConnection(redis.url) },
    );
    try {
      expect(await coordinator.exited, coordinator.output()).toBe(1);
    } finally {
      await here.close();
    }
    expect(coordinator.output()).toContain('its job failed on the queue\'s workers (3 attempts); the last error: a group that breaks its worker');
    const store = openStore(db, { readonly: true });
    try {
      const runs = store.runsOf(store.listExperiments()[0]!.id);
      expect(runs.filter((r) => r.status === 'failed').map((r) => r.params['seed'])).toEqual([2, 2, 2, 2]);
      expect(runs.filter((r) => r.status === 'done')).toHaveLength(8);
    } finally {
      store.close();
    }
  }, 240_000);

  it('says a Redis outage once, not on every retry, and stops on the first SIGTERM while Redis is away (needs redis-server)', async () => {
    const ex = tinyExperiment(spec(1));
    redis = await startRedis();
    const idle = worker(ex, redis.url, 'idle');
    for (let i = 0; i < 200 && !idle.output().includes('Ctrl-C to stop'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await redis.stop();
    redis = undefined;
    // BullMQ retries several times a second: each retry once printed a raw ECONNREFUSED line.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    idle.child.kill('SIGTERM');
    // Closing once waited for Redis to take its jobs back, for good.
    expect(await idle.exited, idle.output()).toBe(0);
    expect(idle.output().match(/^queue: /gm)).toEqual(['queue: ']);
    expect(idle.output()).toMatch(/^queue: .+; retrying until Redis at redis:\/\/127\.0\.0\.1:\d+ answers/m);
  }, 60_000);
});
