/**
 * Resource limits: a sweep streams its images, so peak RSS must not grow with the dataset — the
 * same tiny sweep on 2,500 and on 25,000 images, each in its own process — and a 10,000-variant
 * grid must expand and plan (dry run, no training) in seconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'tlab-streaming-'));

async function writeImages(dir: string, perClass: number): Promise<void> {
  for (const split of ['train', 'validation']) {
    for (const [label, level] of [['dark', 40], ['bright', 200]] as const) {
      const folder = path.join(dir, split, label);
      mkdirSync(folder, { recursive: true });
      const count = split === 'train' ? perClass : Math.max(10, perClass / 10);
      for (let i = 0; i < count; i++) {
        // Every file differs, so none shares cached features with another.
        const pixels = Buffer.alloc(16 * 16 * 3, (level + i) % 256);
        pixels.writeUInt32LE(i, 0);
        await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(path.join(folder, `${i}.png`));
      }
    }
  }
}

function spec(name: string, sweep: string): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}\nseed: 1\ndata: { train: train, validation: validation, image_size: 16 }\n` +
      `backbone: { name: tiny_cnn, cutoff: block2 }\nhead: { pooling: avg, units: 8 }\n` +
      `train: { optimizer: adam, learning_rate: 0.01, batch_size: 64, epochs: 1 }\naugment: none\n${sweep}`,
  );
  return file;
}

function sweep(specFile: string, dataRoot: string, flags: string[] = []): { seconds: number; peakRssMb: number } {
  const args = ['-f', '%M', process.execPath, path.join(root, 'packages/runner/bin/tlab.js'), 'sweep', '--spec', specFile, '--data-root', dataRoot];
  args.push('--db', path.join(work, `${path.basename(dataRoot)}-${flags.length}.db`), '--cache-dir', path.join(work, `cache-${path.basename(dataRoot)}`), ...flags);
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`sweep failed:\n${result.stdout}\n${result.stderr}`);
  return { seconds, peakRssMb: Number(result.stderr.trim().split('\n').at(-1)) / 1024 };
}

const sizes = [1_250, 12_500];
const results = [];
for (const perClass of sizes) {
  const dataRoot = path.join(work, `data-${perClass * 2}`);
  await writeImages(dataRoot, perClass);
  const run = sweep(spec('streaming', ''), dataRoot);
  console.log(`${perClass * 2} training images: ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
  results.push(run);
}
const grid = spec('grid', `sweep:\n  method: grid\n  parameters:\n    head.dropout: { values: [${Array.from({ length: 100 }, (_, i) => (i / 100).toFixed(2)).join(', ')}] }\n    train.learning_rate: { values: [${Array.from({ length: 100 }, (_, i) => ((i + 1) / 1000).toFixed(3)).join(', ')}] }\n`);
const plan = sweep(grid, path.join(work, `data-${sizes[0]! * 2}`), ['--dry-run']);
console.log(`10,000-variant grid, dry run (expand, resolve, check, ids): ${plan.seconds.toFixed(1)} s, peak RSS ${plan.peakRssMb.toFixed(0)} MB`);
const rssRatio = results[1]!.peakRssMb / results[0]!.peakRssMb;
console.log(`peak RSS at 10× the images: ${rssRatio.toFixed(2)}× (work folder ${work})`);
console.log(
  `BENCH streaming images=${sizes[1]! * 2} small_images=${sizes[0]! * 2} peak_rss_mb=${results[1]!.peakRssMb.toFixed(0)} ` +
    `small_peak_rss_mb=${results[0]!.peakRssMb.toFixed(0)} rss_ratio=${rssRatio.toFixed(2)} grid_variants=10000 grid_plan_s=${plan.seconds.toFixed(1)}`,
);
