import v8 from 'node:v8';

/**
 * V8's heap growing factor for a training process: 4, the largest V8 itself picks. Its own choice
 * starves a second worker. A training step allocates almost nothing on the JS heap (tensors live
 * in wasm memory or in native buffers), so V8 measures its mutator at ~500 B/ms against a marker
 * at 1–4 MB/ms and grows the old generation by its minimum factor, 1.1 (`--trace-gc-verbose`:
 * "factor 1.1 … speed_ratio=8185"). A 52 MB live heap then gets a 76 MB limit, whose slack is
 * below the young generation's target capacity, so V8 starts concurrent marking again as soon as
 * a mark-compact ends: about 3 mark-compacts per second of training, whose marking threads took
 * ~11% of a core (sampled per thread). One worker hides that on the idle core; two workers on two
 * cores pay it in their runs. Measured on the reference sweep's cached runs: 38 → 15
 * mark-compacts on a two-run sweep (none left during training), and a run 7.1 → 5.45 s beside
 * another worker (5.5–5.6 s alone).
 *
 * V8 reads this flag each time it computes a heap limit (heap/memory-controller.cc), so setting it
 * once the process runs takes effect at the next mark-compact; its test checks that in a child
 * process.
 */
const heapGrowingPercent = 300;

/** Sets V8's heap growing factor for this process; `selectBackend` calls it once per process. */
export function widenV8HeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}
