/**
 * Images per second of the frozen InceptionV3 cut at mixed7 at 150×150, on every engine and thread
 * setting this machine offers, and as a fraction of the CPU's peak FLOP rate. Each figure is the
 * median of several timed runs after warm-up; the other processes' CPU use during the runs is
 * printed beside it, because these machines are shared.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@tlab/core';
import { convertToOnnx, createOnnxFeatureExtractor, loadBackbone, selectBackend } from '@tlab/trainer';

const imageSize: [number, number] = [150, 150];
const cutoff = 'mixed7';
const cores = availableParallelism();

interface Measurement {
  readonly engine: 'onnxruntime' | 'tfjs-wasm' | 'tfjs-cpu';
  readonly threads: number;
  readonly batch: number;
  readonly imagesPerSecond: number;
  readonly timedRuns: number;
  /** Cores' worth of CPU that other processes used during the timed runs (Linux only). */
  readonly otherLoad: number | undefined;
}

async function main(): Promise<void> {
  const backend = await selectBackend({ requested: 'wasm' });
  const backbone = await loadBackbone({ name: 'inception_v3', weights: 'embedded', cutoff }, imageSize);
  const flopsPerImage = 2 * convMultiplyAdds(backbone.model);
  const cpu = describeCpu();
  console.log(`InceptionV3 → ${cutoff} at ${imageSize.join('×')}: ${(flopsPerImage / 1e9).toFixed(3)} GFLOP per image (2 × the multiply-adds of its convolutions)`);
  console.log('measuring the clock under load ...');
  const clock = await loadedClockGHz();
  const peakGflops = cores * cpu.fmaUnits * cpu.lanes * 2 * clock.ghz;
  console.log(
    `CPU: ${cpu.model}, ${cores} cores; ${cpu.why}\n` +
      `clock under load: ${clock.ghz.toFixed(2)} GHz — ${clock.how} (/proc/cpuinfo says ${clock.cpuinfoMHz ?? 'n/a'} MHz, which a VM reports as its fixed TSC rate)\n` +
      `peak = ${cores} cores × ${cpu.fmaUnits} FMA units × ${cpu.lanes} fp32 lanes × 2 × ${clock.ghz.toFixed(2)} GHz = ${peakGflops.toFixed(0)} GFLOP/s ` +
      `= ${((peakGflops * 1e9) / flopsPerImage).toFixed(0)} img/s at 100%`,
  );

  const measurements: Measurement[] = [];
  const report = (m: Measurement): void => {
    measurements.push(m);
    const gflops = (m.imagesPerSecond * flopsPerImage) / 1e9;
    const load = m.otherLoad === undefined ? 'n/a' : m.otherLoad.toFixed(2);
    console.log(
      `${m.engine.padEnd(12)} threads ${m.threads}  batch ${String(m.batch).padStart(2)}  ${m.imagesPerSecond.toFixed(1).padStart(6)} img/s  ` +
        `${gflops.toFixed(0).padStart(4)} GFLOP/s  ${((100 * gflops) / peakGflops).toFixed(1).padStart(5)}% of peak  ` +
        `(median of ${m.timedRuns}; other processes: ${load} cores)`,
    );
  };

  const conversionStart = performance.now();
  const onnxModel = convertToOnnx(backbone.model, [cutoff]);
  console.log(`converted to ONNX in ${((performance.now() - conversionStart) / 1000).toFixed(1)} s (${(onnxModel.length / 1e6).toFixed(1)} MB)`);
  const threadSettings = [...new Set([1, cores])];
  for (const threads of threadSettings) {
    const extractor = await createOnnxFeatureExtractor(onnxModel, { threads });
    for (const batch of [16, 32]) {
      const pixels = randomPixels(batch);
      report({ engine: 'onnxruntime', threads, batch, ...(await timeRuns(batch, 2, 7, () => extractor.run(pixels, batch, ...imageSize))) });
    }
    await extractor.dispose();
  }

  // tfjs disables the wasm backend's threads under Node, so one thread is all it offers here.
  const tfjsBatch = 16;
  report({ engine: 'tfjs-wasm', threads: backend.threads, batch: tfjsBatch, ...(await timeRuns(tfjsBatch, 1, 5, () => predict(backbone.model, tfjsBatch))) });
  // The pure-JS backend runs at ~0.5 img/s: two images, once, after a one-image warm-up.
  await tf.setBackend('cpu');
  const cpuBatch = 2;
  await predict(backbone.model, 1);
  report({ engine: 'tfjs-cpu', threads: 1, batch: cpuBatch, ...(await timeRuns(cpuBatch, 0, 1, () => predict(backbone.model, cpuBatch))) });
  backbone.dispose();

  const best = measurements.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  const bestOf = (engine: Measurement['engine'], threads: number) =>
    Math.max(...measurements.filter((m) => m.engine === engine && m.threads === threads).map((m) => m.imagesPerSecond));
  const tfjsWasm = bestOf('tfjs-wasm', backend.threads);
  const ortSingle = bestOf('onnxruntime', 1);
  const multicoreRatio = bestOf(best.engine, cores) / bestOf(best.engine, 1);
  const peakFraction = (best.imagesPerSecond * flopsPerImage) / (peakGflops * 1e9);
  console.log(
    `best: ${best.engine}, ${best.threads} threads, batch ${best.batch}; ${best.engine} on ${cores} cores vs 1: ×${multicoreRatio.toFixed(2)}; ` +
      `${(best.imagesPerSecond / tfjsWasm).toFixed(1)}× tfjs-wasm`,
  );
  console.log(
    `BENCH backbone-throughput tfjs_img_per_s=${tfjsWasm.toFixed(1)} ort_single_img_per_s=${ortSingle.toFixed(1)} ` +
      `best_img_per_s=${best.imagesPerSecond.toFixed(1)} multicore_ratio=${multicoreRatio.toFixed(2)} peak_fraction=${peakFraction.toFixed(3)}`,
  );
}

async function predict(model: tf.LayersModel, batch: number): Promise<void> {
  const x = tf.randomUniform([batch, ...imageSize, 3], 0, 1, 'float32', batch);
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  tf.dispose([x, y]);
}

function randomPixels(batch: number): Float32Array {
  const random = createRandom(batch);
  return Float32Array.from({ length: batch * imageSize[0] * imageSize[1] * 3 }, () => random.next());
}

async function timeRuns(batch: number, warmups: number, runs: number, run: () => Promise<unknown>): Promise<Omit<Measurement, 'engine' | 'threads' | 'batch'>> {
  for (let i = 0; i < warmups; i++) await run();
  const seconds: number[] = [];
  const before = systemBusySeconds();
  const ownBefore = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    seconds.push((performance.now() - t) / 1000);
  }
  const wall = (performance.now() - start) / 1000;
  const own = process.cpuUsage(ownBefore);
  const after = systemBusySeconds();
  const otherLoad = before === undefined || after === undefined ? undefined : Math.max(0, (after - before - (own.user + own.system) / 1e6) / wall);
  const median = seconds.sort((a, b) => a - b)[Math.floor(seconds.length / 2)]!;
  return { imagesPerSecond: batch / median, timedRuns: runs, otherLoad };
}

/** CPU-seconds all processes spent busy, from /proc/stat (USER_HZ is 100 on Linux). */
function systemBusySeconds(): number | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number) as number[];
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return undefined;
  }
}

/** Multiply-adds per image of every convolution in the model, from its layer shapes. */
function convMultiplyAdds(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className !== 'Conv2D' && className !== 'DepthwiseConv2D') continue;
    const [, height, width, channelsOut] = layer.outputShape as number[];
    const [kh, kw, channelsIn] = layer.weights[0]!.shape as number[];
    // A depthwise kernel sees one input channel per output channel.
    total += height! * width! * channelsOut! * kh! * kw! * (className === 'Conv2D' ? channelsIn! : 1);
  }
  return total;
}

interface CpuDescription {
  readonly model: string;
  readonly fmaUnits: number;
  readonly lanes: number;
  readonly why: string;
}

/**
 * FMA units and fp32 SIMD lanes per core, from the vendor, family and flags in /proc/cpuinfo.
 * Zen 4 (AMD family 25) runs AVX-512 on two 256-bit FMA pipes, so its peak is that of 2 × 8 lanes;
 * Zen 5 (family 26) and Intel server cores with AVX-512 have two full 512-bit FMA units.
 */
function describeCpu(): CpuDescription {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: fall through to the conservative guess.
  }
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  const model = field('model name') || 'unknown CPU';
  const flags = new Set(field('flags').split(/\s+/));
  const amd = field('vendor_id') === 'AuthenticAMD';
  const family = Number(field('cpu family'));
  if (flags.has('avx512f') && amd && family === 25) {
    return { model, fmaUnits: 2, lanes: 8, why: 'AMD family 25 with AVX-512 = Zen 4: two 256-bit FMA pipes (512-bit ops take both halves)' };
  }
  if (flags.has('avx512f')) {
    return { model, fmaUnits: 2, lanes: 16, why: `${amd ? `AMD family ${family}` : 'Intel'} with AVX-512: assumed two 512-bit FMA units` };
  }
  if (flags.has('fma') && flags.has('avx2')) return { model, fmaUnits: 2, lanes: 8, why: 'AVX2 + FMA: assumed two 256-bit FMA units' };
  return { model, fmaUnits: 1, lanes: 4, why: 'no AVX2/FMA flags found: assumed one 128-bit unit' };
}

/**
 * The clock with every core busy, from a WebAssembly loop of dependent 64-bit adds and xors (one
 * cycle each on every x86 core of the last decade) run on one worker thread per core. Each worker
 * keeps its fastest of many ~1 ms trials, so time slices lost to other processes do not count.
 */
async function loadedClockGHz(): Promise<{ ghz: number; how: string; cpuinfoMHz: string | undefined }> {
  const perWorker = await Promise.all(Array.from({ length: cores }, () => runClockWorker()));
  const ghz = perWorker.reduce((a, b) => a + b, 0) / perWorker.length;
  let cpuinfoMHz: string | undefined;
  try {
    cpuinfoMHz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  } catch {
    cpuinfoMHz = undefined;
  }
  const how = `measured: dependent add/xor chain in WebAssembly on ${cores} worker threads at once, fastest of ${clockTrials} trials of ~1 ms each (per core: ${perWorker.map((g) => g.toFixed(2)).join(', ')})`;
  return { ghz, how, cpuinfoMHz };
}

function runClockWorker(): Promise<number> {
  const worker = new Worker(clockWorkerSource, { eval: true, workerData: clockWasm() });
  return new Promise((resolve, reject) => {
    worker.once('message', (ghz: number) => {
      void worker.terminate();
      resolve(ghz);
    });
    worker.once('error', reject);
  });
}

const opsPerIteration = 64;
/** Short trials: one that a time slice of another process interrupts is simply not the fastest. */
const clockTrials = 400;

const clockWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { run } = new WebAssembly.Instance(new WebAssembly.Module(workerData)).exports;
run(100000, 3n);
let best = 0;
for (let trial = 0; trial < ${clockTrials}; trial++) {
  const iterations = 50000;
  const start = process.hrtime.bigint();
  run(iterations, 3n);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  best = Math.max(best, (${opsPerIteration} * iterations) / seconds / 1e9);
}
parentPort.postMessage(best);
`;

/** `run(n: i32, y: i64) -> i64`: n iterations of x = (x + y) ^ y, unrolled opsPerIteration / 2 times. */
function clockWasm(): Uint8Array {
  const step = [0x20, 0x01, 0x7c, 0x20, 0x01, 0x85]; // local.get y, i64.add, local.get y, i64.xor
  const body = [
    ...[0x01, 0x01, 0x7e], // one i64 local (x)
    ...[0x03, 0x40, 0x20, 0x02], // loop; local.get x
    ...Array.from({ length: opsPerIteration / 2 }, () => step).flat(),
    ...[0x21, 0x02], // local.set x
    ...[0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b], // n -= 1; br_if n; end loop
    ...[0x20, 0x02, 0x0b], // return x
  ];
  const section = (id: number, bytes: number[]) => [id, ...leb128(bytes.length), ...bytes];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7e, 0x01, 0x7e]), // type (i32, i64) -> i64
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00]), // export "run"
    ...section(10, [0x01, ...leb128(body.length), ...body]),
  ]);
}

function leb128(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return out;
}

await main();
