/**
 * The reference sweep (12 variants: 2 cutoffs × 3 dropouts × augmentation off/on) with one worker
 * and with two local worker processes (`--workers 2`), each from a cold feature cache, and the
 * largest per-epoch metric difference between them (it must be 0: a variant trains the same in any
 * process). The queue (coordinator + BullMQ workers) is not built yet: its keys print NA.
 *
 *   npm run bench -- distributed
 */
import os from 'node:os';
import path from 'node:path';
import { maxMetricDiff, referenceWorkspace } from './support/reference-workspace.ts';

const { work, sweep } = referenceWorkspace('distributed');
const one = sweep('workers1', ['--workers', '1', '--cache-dir', path.join(work, 'cache-1')]);
const two = sweep('workers2', ['--workers', '2', '--cache-dir', path.join(work, 'cache-2')]);
const diff = maxMetricDiff(two.db, one.db);
const speedup = one.seconds / two.seconds;
console.log(`
one worker    ${one.seconds.toFixed(1)} s   peak RSS ${one.peakRssMb.toFixed(0)} MB (the sweep process)
two workers   ${two.seconds.toFixed(1)} s   on ${os.availableParallelism()} cores: local speedup ${speedup.toFixed(2)}× (target ≥ 1.6)
largest per-epoch metric difference, two workers against one: ${diff}
work folder: ${work}`);
console.log(
  `BENCH distributed workers1_s=${one.seconds.toFixed(1)} workers2_s=${two.seconds.toFixed(1)} local_speedup=${speedup.toFixed(2)} ` +
    `queue_speedup=NA queue_overhead_ms_per_job=NA max_metric_diff=${diff}`,
);
