import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { artifactsDirOf, ArtifactStore, createRandom, decodeCheckpoint, faultPoints, timingKeys } from '@tlab/core';
import { tinySpecText } from '@tlab/core/testing';
import { tinyExperiment } from './tiny-experiment.ts';

/**
 * Fault injection: real `tlab sweep` child processes killed with SIGKILL at chosen crash points
 * (TLAB_FAULT) and at random moments, resumed each time, with every invariant the results store
 * promises checked after every kill.
 */
const bin = path.resolve(import.meta.dirname, '../bin/tlab.js');
const epochs = 3;
const crashSpec = (dropouts = [0.0, 0.3, 0.6]): string =>
  tinySpecText({ name: 'crash', seed: 11, train: { epochs }, augment: 'light', sweep: { method: 'grid', parameters: { 'head.dropout': { values: dropouts } } } });

/** What identifies a run's results; timings differ between any two runs and are left out. */
const timingMetrics = new Set<string>(Object.values(timingKeys));

interface Snapshot {
  /** Per done run: its row (minus lease bookkeeping), epochs, metrics and confusion, as stored. */
  readonly done: Map<string, string>;
  readonly results: Map<string, string>;
  readonly statuses: string[];
}

function snapshot(dbFile: string): Snapshot {
  const db = new Database(dbFile, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Killed while creating the DB, before its first migration committed: nothing stored yet.
    if (db.pragma('user_version', { simple: true }) === 0) return { done: new Map(), results: new Map(), statuses: [] };
    const runs = db.prepare('SELECT * FROM runs ORDER BY variant_index').all() as Array<Record<string, unknown>>;
    const done = new Map<string, string>();
    const results = new Map<string, string>();
    for (const run of runs) {
      const id = run['id'] as string;
      const epochRows = db.prepare('SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch').all(id) as Array<Record<string, unknown>>;
      // No duplicated or half-written epochs, whatever the run's state: a prefix 1..k of the epochs.
      expect(epochRows.map((e) => e['epoch'])).toEqual(epochRows.map((_, i) => i + 1));
      if (run['status'] !== 'done') continue;
      expect(epochRows).toHaveLength(epochs);
      const metrics = db.prepare('SELECT key, value FROM metrics WHERE run_id = ? ORDER BY key').all(id) as Array<{ key: string; value: number }>;
      const confusion = db.prepare('SELECT * FROM confusions WHERE run_id = ?').get(id);
      // Image paths name each workspace's own temporary folder: compared relative to it.
      const predictions = (db.prepare('SELECT * FROM predictions WHERE run_id = ? ORDER BY sample').all(id) as Array<{ file: string }>).map((p) => ({
        ...p,
        file: path.relative(path.dirname(dbFile), p.file),
      }));
      done.set(id, JSON.stringify({ run, epochRows, metrics, confusion, predictions }));
      results.set(
        id,
        JSON.stringify({
          epochs: epochRows.map(({ seconds: _, ...e }) => e),
          metrics: metrics.filter((m) => !timingMetrics.has(m.key)),
          confusion,
          predictions,
          checkpoint: run['checkpoint_sha256'],
        }),
      );
      // A done run's checkpoint is there, whole: it reads back under its hash.
      const artifacts = new ArtifactStore(artifactsDirOf(dbFile));
      const reference = { sha256: run['checkpoint_sha256'] as string, bytes: run['checkpoint_bytes'] as number };
      expect(decodeCheckpoint(artifacts.read(reference, `checkpoint of ${id}`), id).weights.length).toBeGreaterThan(0);
    }
    // Whatever was killed when: every file under a final name is complete (its name is its hash).
    for (const artifact of new ArtifactStore(artifactsDirOf(dbFile)).list()) {
      expect(createHash('sha256').update(readFileSync(artifact.file)).digest('hex')).toBe(artifact.sha256);
    }
    return { done, results, statuses: runs.map((r) => r['status'] as string) };
  } finally {
    db.close();
  }
}

function sweepSync(ex: { dir: string; spec: string; db: string; cacheDir: string }, fault?: string, flags: string[] = []) {
  return spawnSync(process.execPath, [bin, 'sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir, ...flags], {
    cwd: ex.dir,
    encoding: 'utf8',
    env: { ...process.env, TLAB_BACKEND: 'wasm', ...(fault ? { TLAB_FAULT: fault } : {}) },
  });
}

/** Starts a sweep and SIGKILLs it after `ms`, wherever it is. */
function sweepKilledAfter(ex: { dir: string; spec: string; db: string; cacheDir: string }, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], {
      cwd: ex.dir,
      env: { ...process.env, TLAB_BACKEND: 'wasm' },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe('crash safety under kill -9', () => {
  it('loses and duplicates nothing across 20+ kills, and ends with the numbers of an uninterrupted run', async () => {
    const reference = tinyExperiment(crashSpec());
    expect(sweepSync(reference).status).toBe(0);
    const expected = snapshot(reference.db).results;
    expect(expected.size).toBe(3);

    const random = createRandom(20261128);
    let kills = 0;
    let cycles = 0;
    while (kills < 20) {
      cycles += 1;
      const ex = tinyExperiment(crashSpec());
      let previous: Snapshot | undefined;
      for (let resumes = 0; resumes < 40; resumes++) {
        // Alternate crash points (deterministic places) with kills at random moments.
        const signal =
          resumes % 2 === 0
            ? sweepSync(ex, `${faultPoints[random.int(faultPoints.length)]}:${1 + random.int(4)}`).signal
            : await sweepKilledAfter(ex, 300 + random.int(2500));
        if (signal === 'SIGKILL') kills += 1;
        if (!existsSync(ex.db)) continue;
        const now = snapshot(ex.db);
        // Completed runs are byte-for-byte what they were: no resume ever touches a done run.
        for (const [id, stored] of previous?.done ?? []) expect(now.done.get(id)).toBe(stored);
        previous = now;
        if (now.statuses.length === 3 && now.statuses.every((s) => s === 'done')) break;
      }
      expect(previous?.statuses).toEqual(['done', 'done', 'done']);
      expect(previous!.results).toEqual(expected);
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(cycles).toBeGreaterThanOrEqual(1);
  }, 600_000);

  it('leaves a whole checkpoint or none when killed while writing one, and the resumed sweep writes it', () => {
    const ex = tinyExperiment(crashSpec());
    expect(sweepSync(ex, 'artifact-write:2').signal).toBe('SIGKILL');
    const killed = snapshot(ex.db);
    expect(killed.statuses.filter((s) => s === 'done')).toHaveLength(1);
    // The second checkpoint died between write and rename: only a temporary file, never a final name.
    const dir = artifactsDirOf(ex.db);
    const names = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(names.filter((n) => n.endsWith('.safetensors'))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('.tmp-'))).toHaveLength(1);
    expect(sweepSync(ex).status).toBe(0);
    expect(snapshot(ex.db).statuses).toEqual(['done', 'done', 'done']);
  }, 120_000);

  it('on an uncaught failure mid-run prints one coded paragraph, exits 1 and leaves the run interrupted, not running', () => {
    const ex = tinyExperiment(crashSpec());
    const failed = sweepSync(ex, 'mid-epoch:2:uncaught');
    expect(failed.status, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/^error: unexpected Error: injected uncaught failure at mid-epoch .*\[TLAB_INTERNAL\]$/m);
    expect(failed.stderr).not.toMatch(/^\s+at /m);
    expect(snapshot(ex.db).statuses).toEqual(['interrupted', 'queued', 'queued']);
    expect(sweepSync(ex).status).toBe(0);
    expect(snapshot(ex.db).statuses).toEqual(['done', 'done', 'done']);
  }, 120_000);

  it('splits a 12-variant sweep between 3 concurrent processes, one killed, training each variant once', async () => {
    const ex = tinyExperiment(crashSpec([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95]));
    // Create and migrate the DB first so the three start on equal terms.
    expect(sweepSync(ex, undefined, ['--dry-run']).status).toBe(0);
    const outputs: string[] = [];
    const runner = (killAfterMs?: number) =>
      new Promise<string | null>((resolve) => {
        const child = spawn(process.execPath, [bin, 'sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], {
          cwd: ex.dir,
          env: { ...process.env, TLAB_BACKEND: 'wasm' },
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          outputs.push(output);
          resolve(signal ?? String(code));
        });
      });
    const ends = await Promise.all([runner(), runner(), runner(4000)]);
    expect(ends.slice(0, 2), outputs.join('\n-----\n')).toEqual(['0', '0']);
    expect(outputs.join('\n')).not.toMatch(/SQLITE_BUSY|database is locked/);

    const final = snapshot(ex.db);
    expect(final.statuses).toEqual(new Array(12).fill('done'));
    const db = new Database(ex.db, { readonly: true });
    const attempts = db.prepare('SELECT attempts FROM runs').pluck().all() as number[];
    db.close();
    // Only a run the killed process held is trained a second time; no run is trained twice at once.
    expect(attempts.filter((a) => a > 1).length).toBeLessThanOrEqual(1);
    expect(attempts.every((a) => a <= 2)).toBe(true);
  }, 600_000);
});
