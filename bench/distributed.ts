/**
 * The reference sweep (12 variants: 2 cutoffs × 3 dropouts × augmentation off/on) with one
 * worker, with two local workers (`--workers 2`: the sweep process and one it forks, a job per
 * variant), and as a coordinator with two `tlab worker`s on a BullMQ queue in a redis-server of its
 * own (2 jobs, one per augmentation draw), each from a cold feature cache;
 * and the largest per-epoch metric difference of each against one worker (it must be 0: a variant
 * trains the same in any process). The Flatten heads' checkpoints (147 MiB) pass through the
 * coordinator's artifact folder, which the workers share here.
 *
 *   npm run bench -- distributed
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactsDirOf } from '@tlab/core';
import { onnxThreadsPer } from '@tlab/runner';
import { hasRedis, startRedis } from '@tlab/runner/redis-server';
import { maxMetricDiff, referenceWorkspace, root } from './support/reference-workspace.ts';

const { work, dataRoot, sweep } = referenceWorkspace('distributed');
/** The queue's jobs: one per augmentation draw. */
const queueJobs = 2;
const one = sweep('workers1', ['--workers', '1', '--cache-dir', path.join(work, 'cache-1')]);
const two = sweep('workers2', ['--workers', '2', '--cache-dir', path.join(work, 'cache-2')]);

let queue: { seconds: number; diff: number } | undefined;
if (hasRedis) {
  const redis = await startRedis();
  const threads = String(onnxThreadsPer(2));
  // The coordinator's artifact folder, as a worker sees it mounted: it must exist before they start.
  const artifacts = artifactsDirOf(path.join(work, 'queue2.db'));
  mkdirSync(artifacts, { recursive: true });
  const workers = ['a', 'b'].map((name) =>
    spawn(
      process.execPath,
      [path.join(root, 'packages/runner/bin/tlab.js'), 'worker', '--queue', redis.url, '--data-root', dataRoot, '--cache-dir', path.join(work, `cache-queue-${name}`), '--onnx-threads', threads, '--artifacts-dir', artifacts],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  try {
    const run = sweep('queue2', ['--queue', redis.url, '--cache-dir', path.join(work, 'cache-queue')]);
    queue = { seconds: run.seconds, diff: maxMetricDiff(run.db, one.db) };
  } finally {
    for (const worker of workers) worker.kill('SIGINT');
    await redis.stop();
  }
} else {
  console.log('no redis-server: the queue is not measured');
}

const diff = Math.max(maxMetricDiff(two.db, one.db), queue?.diff ?? 0);
const speedup = one.seconds / two.seconds;
const queueSpeedup = queue === undefined ? Number.NaN : one.seconds / queue.seconds;
// What the queue (a coordinator and two `tlab worker`s) costs beyond two local workers, per job.
const overheadMs = queue === undefined ? Number.NaN : ((queue.seconds - two.seconds) * 1000) / queueJobs;
const shown = (value: number, digits: number): string => (Number.isNaN(value) ? 'NA' : value.toFixed(digits));
console.log(`
one worker            ${one.seconds.toFixed(1)} s
two local workers     ${two.seconds.toFixed(1)} s   local speedup ${speedup.toFixed(2)}× (target ≥ 1.6) on ${os.availableParallelism()} cores
queue, two workers    ${shown(queue?.seconds ?? Number.NaN, 1)} s   queue speedup ${shown(queueSpeedup, 2)}×, ${shown(overheadMs, 0)} ms per job more than local
largest per-epoch metric difference against one worker: ${diff}
work folder: ${work}`);
console.log(
  `BENCH distributed workers1_s=${one.seconds.toFixed(1)} workers2_s=${two.seconds.toFixed(1)} local_speedup=${speedup.toFixed(2)} ` +
    `queue_speedup=${shown(queueSpeedup, 2)} queue_overhead_ms_per_job=${shown(overheadMs, 0)} max_metric_diff=${diff}`,
);
