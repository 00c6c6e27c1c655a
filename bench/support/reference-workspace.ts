import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactsDirOf, openStore, type EpochRecord } from '@tlab/core';

/**
 * The reference sweep's workspace: bench/specs/reference-sweep.yaml on a fixed subset of
 * horse-or-human (100 training and 50 validation images per class) linked into a temporary folder,
 * and `tlab sweep` run in a child process per configuration so its wall time and peak RSS are its own.
 */
export const root = path.resolve(import.meta.dirname, '../..');
const spec = path.join(root, 'bench/specs/reference-sweep.yaml');
const source = path.resolve(process.env['TLAB_DATA_ROOT'] ?? path.join(root, '../shared/datasets'), 'horse-or-human');

export interface Timed {
  readonly seconds: number;
  /** User + system CPU time of the sweep and of every process it started (GNU time counts the reaped children). */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly db: string;
}

export interface ReferenceWorkspace {
  readonly work: string;
  /** The linked subset: what `--data-root` points at. */
  readonly dataRoot: string;
  /** `tlab sweep` of the reference spec with `flags`, into `<work>/<name>.db`. */
  sweep(name: string, flags: string[]): Timed;
}

export function referenceWorkspace(benchName: string): ReferenceWorkspace {
  if (!existsSync(source)) {
    console.error(`${benchName} needs ${source} (../shared/datasets/horse-or-human); set TLAB_DATA_ROOT to its parent.`);
    process.exit(2);
  }
  const work = mkdtempSync(path.join(os.tmpdir(), `tlab-${benchName}-`));
  const subset = linkSubset(work, { train: 100, validation: 50 });
  return {
    work,
    dataRoot: subset,
    sweep(name, flags) {
      const db = path.join(work, `${name}.db`);
      // GNU time's last stderr line: user and system CPU seconds, peak RSS in KB.
      const args = ['-f', '%U %S %M', process.execPath, path.join(root, 'packages/runner/bin/tlab.js'), 'sweep', '--spec', spec, '--data-root', subset, '--db', db, ...flags];
      console.log(`\n== ${name}: tlab sweep ${flags.join(' ')}`);
      const started = performance.now();
      const result = spawnSync('/usr/bin/time', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
      const seconds = (performance.now() - started) / 1000;
      if (result.status !== 0) throw new Error(`${name} failed (${result.status}):\n${result.stderr}`);
      // Written and timed, the checkpoints (147 MiB per Flatten head, 1.8 GB per sweep) are not needed:
      // the distributed bench left 12 GB behind, and repeated runs once filled the disk.
      rmSync(artifactsDirOf(db), { recursive: true, force: true });
      const [user, system, peakKb] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
      const cpuSeconds = user + system;
      console.log(`   ${name}: ${seconds.toFixed(1)} s, CPU ${cpuSeconds.toFixed(1)} s (system ${system.toFixed(1)}), peak RSS ${(peakKb / 1024).toFixed(0)} MB`);
      return { seconds, cpuSeconds, peakRssMb: peakKb / 1024, db };
    },
  };
}

function linkSubset(work: string, perClass: Record<'train' | 'validation', number>): string {
  const dir = path.join(work, 'data');
  for (const [split, count] of Object.entries(perClass)) {
    for (const label of readdirSync(path.join(source, split)).sort()) {
      mkdirSync(path.join(dir, split, label), { recursive: true });
      for (const file of readdirSync(path.join(source, split, label)).sort().slice(0, count)) {
        symlinkSync(path.join(source, split, label, file), path.join(dir, split, label, file));
      }
    }
  }
  return dir;
}

export function runsOf(db: string) {
  const store = openStore(db, { readonly: true });
  try {
    const experiment = store.listExperiments()[0]!;
    return store.runsOf(experiment.id).map((run) => ({ run, epochs: store.epochsOf(run.id), metrics: store.metricsOf(run.id) }));
  } finally {
    store.close();
  }
}

/** The largest difference of any per-epoch metric between the same variants of two DBs; every variant must be in both. */
export function maxMetricDiff(db: string, reference: string): number {
  const byId = new Map(runsOf(reference).map((r) => [r.run.id, r.epochs]));
  let max = 0;
  for (const { run, epochs } of runsOf(db)) {
    const twin = byId.get(run.id);
    if (twin === undefined || twin.length !== epochs.length) throw new Error(`variant ${run.id} differs in its epochs between ${db} and ${reference}`);
    epochs.forEach((e, i) => {
      for (const key of ['loss', 'accuracy', 'valLoss', 'valAccuracy'] as const satisfies ReadonlyArray<keyof EpochRecord>) max = Math.max(max, Math.abs(e[key] - twin[i]![key]));
    });
  }
  return max;
}
