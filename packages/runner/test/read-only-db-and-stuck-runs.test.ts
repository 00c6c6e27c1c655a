import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '@tlab/core';
import { tinyExperiment, tinySpec } from './tiny-experiment.ts';

/** A results DB that `tlab` can only read, and runs left `running` by processes that are gone. */
const bin = path.resolve(import.meta.dirname, '../bin/tlab.js');

function tlab(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TLAB_BACKEND: 'wasm' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function statuses(db: string): string[] {
  const store = openStore(db, { readonly: true });
  try {
    return store.runsOf(store.listExperiments()[0]!.id).map((run) => run.status);
  } finally {
    store.close();
  }
}

describe('a results DB in a folder tlab cannot write', () => {
  it('--dry-run lists the stored statuses, adding no -shm or -wal beside the DB', () => {
    const ex = tinyExperiment(tinySpec);
    expect(tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir).code).toBe(0);
    const locked = path.join(ex.dir, 'locked');
    fs.mkdirSync(locked);
    const db = path.join(locked, 'tlab.db');
    fs.copyFileSync(ex.db, db);
    // No write bits: read-only for every user, root included. Elsewhere than root SQLite could not
    // even create the -shm a WAL database needs (SQLITE_READONLY_DIRECTORY, a raw crash before).
    fs.chmodSync(locked, 0o555);
    try {
      const result = tlab(['sweep', '--spec', ex.spec, '--db', db, '--cache-dir', ex.cacheDir, '--dry-run'], ex.dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.match(/^\d+\s+[0-9a-f]{16}\s+done\s/gm)).toHaveLength(2);
      expect(fs.readdirSync(locked)).toEqual(['tlab.db']);
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });
});

describe('runs left running by a process that is gone', () => {
  it('doctor names those whose variant id the changed data no longer gives, and runs abandon marks them interrupted', () => {
    const ex = tinyExperiment(tinySpec);
    expect(tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir).code).toBe(0);
    const db = new Database(ex.db);
    db.prepare(`UPDATE runs SET status = 'running', lease_owner = 'elsewhere:1:dead', lease_expires_at = 1`).run();
    const ids = db.prepare('SELECT id FROM runs ORDER BY variant_index').pluck().all() as string[];
    db.close();
    // One more training image: a new dataset fingerprint, so every variant gets a new id.
    const dark = path.join(ex.dir, 'images/train/dark');
    fs.copyFileSync(path.join(dark, fs.readdirSync(dark)[0]!), path.join(dark, 'one-more.png'));

    const doctor = tlab(['doctor', '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir);
    expect(doctor.code).toBe(1);
    const orphaned = ids.map((id) => `${id} \\(the dataset fingerprint changed: the same settings are now variant [0-9a-f]{16}\\)`).join('; ');
    expect(doctor.stdout).toMatch(new RegExp(`✗ 2 run\\(s\\) stuck running whose variant id no longer matches the current data: ${orphaned}\\n    → no sweep takes these over: tlab runs abandon marks them interrupted`));
    expect(doctor.stdout).not.toContain('left running by a dead or hung sweep');

    const abandon = tlab(['runs', 'abandon', '--db', ex.db], ex.dir);
    expect(abandon).toMatchObject({ code: 0, stdout: `Marked 2 run(s) interrupted: ${ids.join(', ')}\n` });
    expect(statuses(ex.db)).toEqual(['interrupted', 'interrupted']);
    expect(tlab(['runs', 'abandon', '--db', ex.db], ex.dir).stdout).toBe('No run is left running by a process that is gone.\n');
  }, 120_000);
});
