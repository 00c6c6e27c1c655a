import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/load-spec.ts';
import { specFacts } from '../spec/spec-facts.ts';
import { latestSchemaVersion, migrations } from './migrations.ts';
import { openStore } from './open-store.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-open-store-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const experiment = { name: 'cats-vs-dogs', specText: 'name: cats-vs-dogs\n', specHash: 'a'.repeat(64) };

function inspect(file: string): { version: number; journalMode: string; tables: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      tables: db
        .prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
        .pluck()
        .all(),
    };
  } finally {
    db.close();
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function openError(file: string, options?: { readonly?: boolean }): unknown {
  try {
    openStore(file, options).close();
  } catch (error) {
    return error;
  }
  throw new Error(`expected openStore(${file}) to throw`);
}

describe('openStore', () => {
  it('creates missing folders and migrates a new file to the latest schema in WAL mode', () => {
    const file = path.join(dir, 'nested', 'deeper', 'results.db');
    openStore(file).close();
    expect(inspect(file)).toEqual({
      version: latestSchemaVersion,
      journalMode: 'wal',
      tables: ['confusions', 'epochs', 'experiments', 'metrics', 'predictions', 'run_progress', 'runs', 'spec_versions'],
    });
  });

  it('migrates an existing empty file', () => {
    const file = path.join(dir, 'results.db');
    fs.writeFileSync(file, '');
    openStore(file).close();
    expect(inspect(file).version).toBe(latestSchemaVersion);
  });

  it('reopens a migrated DB without re-running migrations or losing data', () => {
    const file = path.join(dir, 'results.db');
    const first = openStore(file);
    const id = first.ensureExperiment(experiment);
    first.close();

    const again = openStore(file);
    expect(again.ensureExperiment(experiment)).toBe(id);
    expect(again.listExperiments().map((e) => e.name)).toEqual(['cats-vs-dogs']);
    again.close();
    expect(inspect(file).version).toBe(latestSchemaVersion);
  });

  it('migrates a DB written at schema 4: spec versions get their facts from their text, an unparsable one none', () => {
    const file = path.join(dir, 'v4.db');
    const old = new Database(file);
    for (const step of migrations.slice(0, 4)) old.exec(step as string);
    old.pragma('user_version = 4');
    const specText = 'name: old\nmetric: { name: val_loss, goal: minimize }\ndata: { train: t, validation: v }\naugment: light\n';
    old.prepare("INSERT INTO experiments (id, name, created_at, updated_at) VALUES (1, 'old', 'x', 'x'), (2, 'older', 'x', 'x')").run();
    old.prepare('INSERT INTO spec_versions (experiment_id, spec_hash, spec_text, first_seen_at) VALUES (?, ?, ?, ?)').run(1, 'h1', specText, 'x');
    old.prepare('INSERT INTO spec_versions (experiment_id, spec_hash, spec_text, first_seen_at) VALUES (?, ?, ?, ?)').run(2, 'h2', 'name: older\nbackbone: { cutof: mixed7 }\n', 'x');
    old.close();

    const store = openStore(file);
    const [version] = store.specVersionsOf(1);
    expect(version!.facts).toMatchObject({ metric: { name: 'val_loss', goal: 'minimize' }, base: { augment: 'light' } });
    expect(version!.facts!.resolvedBase.augment.rotation_range).toBe(15);
    expect(store.specVersionsOf(2)[0]!.facts).toBeNull();
    store.close();
    expect(inspect(file).version).toBe(latestSchemaVersion);
  });

  it('migrates a DB written at schema 6: finished runs get train_seconds, the wall time less the feature wait', () => {
    const file = path.join(dir, 'v6.db');
    const old = new Database(file);
    for (const step of migrations.slice(0, 6)) {
      if (typeof step === 'string') old.exec(step);
      else step(old);
    }
    old.pragma('user_version = 6');
    old.prepare("INSERT INTO experiments (id, name, created_at, updated_at) VALUES (1, 'old', 'x', 'x')").run();
    const run = old.prepare("INSERT INTO runs (id, experiment_id, variant_index, params, config, seed, created_at) VALUES (?, 1, ?, '{}', '{}', 1, 'x')");
    run.run('first', 0);
    run.run('queued', 1);
    const metric = old.prepare('INSERT INTO metrics (run_id, key, value) VALUES (?, ?, ?)');
    metric.run('first', 'wall_seconds', 46.9);
    metric.run('first', 'feature_seconds', 44.1);
    old.close();

    const store = openStore(file);
    expect(store.metricsOf('first')['train_seconds']).toBeCloseTo(2.8, 10);
    expect(store.metricsOf('queued')).toEqual({});
    store.close();
  });

  it('stores the facts a sweep registers with a spec version', () => {
    const store = openStore(path.join(dir, 'facts.db'));
    const facts = specFacts(parseSpec('name: f\ndescription: d\ndata: { train: t, validation: v }\n', 'f.yaml').spec);
    const id = store.ensureExperiment({ ...experiment, facts });
    expect(store.specVersionsOf(id)[0]!.facts).toEqual(facts);
    store.close();
  });

  it('waits for another process holding the write lock instead of failing (busy_timeout)', async () => {
    const file = path.join(dir, 'results.db');
    openStore(file).close();
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import Database from 'better-sqlite3';
         const db = new Database(process.argv[1]);
         db.exec('BEGIN IMMEDIATE');
         console.log('locked');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
         db.exec('COMMIT');`,
        file,
      ],
      { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = once(holder, 'exit');
    await once(holder.stdout, 'data');

    const started = Date.now();
    const store = openStore(file);
    store.ensureExperiment(experiment);
    expect(Date.now() - started).toBeGreaterThan(500);
    store.close();
    expect((await exited)[0]).toBe(0);
  });

  it('rejects a file that is not SQLite (TLAB_DB_NOT_SQLITE)', () => {
    const file = path.join(dir, 'notes.db');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(20));
    const before = sha256(file);
    for (const readonly of [false, true]) {
      const error = openError(file, { readonly });
      expect(error).toMatchObject({ code: 'TLAB_DB_NOT_SQLITE' });
      expect((error as Error).message).toContain(file);
    }
    expect(sha256(file)).toBe(before);
  });

  it("refuses another program's SQLite file, even with a `runs` table, and leaves it unchanged (TLAB_DB_FOREIGN)", () => {
    // The hostile rerun met this as a raw `table runs already exists` from the first migration.
    const file = path.join(dir, 'app.db');
    const db = new Database(file);
    db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, miles REAL); CREATE TABLE shoes (name TEXT)');
    db.close();
    const before = sha256(file);
    for (const readonly of [false, true]) {
      expect(openError(file, { readonly })).toMatchObject({
        code: 'TLAB_DB_FOREIGN',
        message: `results DB ${file} is another program's SQLite database (tables: runs, shoes; no tlab schema version); it was left untouched: point --db at another path`,
      });
    }
    expect(sha256(file)).toBe(before);
  });

  it('refuses a DB from a newer schema and leaves its bytes unchanged (TLAB_DB_NEWER_SCHEMA)', () => {
    // Left in rollback-journal mode, so switching it to WAL too early would show in the header bytes.
    const file = path.join(dir, 'results.db');
    const newer = latestSchemaVersion + 5;
    const db = new Database(file);
    db.exec('CREATE TABLE from_the_future (x)');
    db.pragma(`user_version = ${newer}`);
    db.close();
    const before = sha256(file);

    for (const readonly of [false, true]) {
      const error = openError(file, { readonly });
      expect(error).toMatchObject({ code: 'TLAB_DB_NEWER_SCHEMA' });
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toContain(`version ${newer}`);
      expect((error as Error).message).toContain(`version ${latestSchemaVersion}`);
    }
    expect(sha256(file)).toBe(before);
    expect(inspect(file).version).toBe(newer);
  });

  it('reports a missing DB in readonly mode without creating it (TLAB_DB_NOT_FOUND)', () => {
    const file = path.join(dir, 'missing', 'results.db');
    const error = openError(file, { readonly: true });
    expect(error).toMatchObject({ code: 'TLAB_DB_NOT_FOUND' });
    expect((error as Error).message).toContain(file);
    expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('does not migrate in readonly mode (TLAB_DB_OLDER_SCHEMA)', () => {
    const file = path.join(dir, 'results.db');
    fs.writeFileSync(file, '');
    const error = openError(file, { readonly: true });
    expect(error).toMatchObject({ code: 'TLAB_DB_OLDER_SCHEMA' });
    expect((error as Error).message).toContain(file);
    // An empty file is what a sweep killed before its first migration committed leaves.
    expect((error as Error).message).toContain('holds no results yet');
    expect(fs.statSync(file).size).toBe(0);
  });

  describe('unwritable paths (TLAB_DB_READONLY)', () => {
    // Root writes through `chmod a-w`, so these cases only fail because the store honours the mode bits.
    it('refuses a folder with its write bits cleared, and creates nothing in it', () => {
      const locked = path.join(dir, 'locked');
      fs.mkdirSync(locked, { mode: 0o555 });
      fs.chmodSync(locked, 0o555);
      for (const file of [path.join(locked, 'results.db'), path.join(locked, 'sub', 'results.db')]) {
        const error = openError(file);
        expect(error).toMatchObject({ code: 'TLAB_DB_READONLY' });
        expect((error as Error).message).toContain(file);
      }
      expect(fs.readdirSync(locked)).toEqual([]);
    });

    it('refuses an existing DB file with its write bits cleared, but still reads it in readonly mode', () => {
      const file = path.join(dir, 'results.db');
      const store = openStore(file);
      store.ensureExperiment(experiment);
      store.close();
      fs.chmodSync(file, 0o444);
      const before = sha256(file);

      expect(openError(file)).toMatchObject({ code: 'TLAB_DB_READONLY' });
      const reader = openStore(file, { readonly: true });
      expect(reader.listExperiments().map((e) => e.name)).toEqual(['cats-vs-dogs']);
      reader.close();
      expect(sha256(file)).toBe(before);
    });

    it('refuses a path whose parent is a regular file', () => {
      const blocker = path.join(dir, 'blocker');
      fs.writeFileSync(blocker, 'a file, not a folder');
      const file = path.join(blocker, 'results.db');
      const error = openError(file);
      expect(error).toMatchObject({ code: 'TLAB_DB_READONLY' });
      expect((error as Error).message).toContain(file);
    });
  });

  describe('reading a DB it cannot write beside', () => {
    function writtenDb(folder: string): string {
      fs.mkdirSync(folder);
      const file = path.join(folder, 'results.db');
      const writer = openStore(file);
      writer.ensureExperiment(experiment);
      writer.close();
      return file;
    }

    it('reads a WAL DB in a folder with its write bits cleared as it is, adding no -shm or -wal there', () => {
      const locked = path.join(dir, 'locked');
      const file = writtenDb(locked);
      // Header byte 18 is 2 in WAL mode; read from the bytes, since opening it would leave a -shm behind.
      expect(fs.readFileSync(file)[18]).toBe(2);
      expect(fs.readdirSync(locked)).toEqual(['results.db']);
      fs.chmodSync(locked, 0o555);
      try {
        const before = sha256(file);
        const reader = openStore(file, { readonly: true });
        expect(reader.listExperiments().map((e) => e.name)).toEqual(['cats-vs-dogs']);
        expect(() => reader.ensureExperiment({ ...experiment, name: 'other' })).toThrow(expect.objectContaining({ code: 'TLAB_DB_READONLY' }));
        reader.close();
        expect(fs.readdirSync(locked)).toEqual(['results.db']);
        expect(sha256(file)).toBe(before);
      } finally {
        fs.chmodSync(locked, 0o755);
      }
    });

    it('names a DB path that is a folder (TLAB_DB_NOT_SQLITE), for reading as for writing', () => {
      const folder = path.join(dir, 'results.db');
      fs.mkdirSync(folder);
      for (const readonly of [false, true]) expect(openError(folder, { readonly })).toMatchObject({ code: 'TLAB_DB_NOT_SQLITE', message: expect.stringContaining(`${folder} is a folder`) });
      expect(fs.readdirSync(folder)).toEqual([]);
    });

    it('reports damage met by a read long after opening (TLAB_DB_CORRUPT), not a bare SqliteError', () => {
      const file = writtenDb(path.join(dir, 'damaged'));
      // Every b-tree page but the first (the schema) overwritten: the file opens and vets, queries fail.
      const bytes = fs.readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      bytes.fill(0x5a, pageSize);
      fs.writeFileSync(file, bytes);
      const reader = openStore(file, { readonly: true });
      try {
        expect(() => reader.listExperiments()).toThrow(expect.objectContaining({ code: 'TLAB_DB_CORRUPT', message: expect.stringContaining(file) }));
      } finally {
        reader.close();
      }
    });
  });

  it('refuses every write in readonly mode and leaves the DB unchanged', () => {
    const file = path.join(dir, 'results.db');
    const writer = openStore(file);
    const id = writer.ensureExperiment(experiment);
    writer.close();
    const before = sha256(file);

    const reader = openStore(file, { readonly: true });
    const writes: Array<() => unknown> = [
      () => reader.ensureExperiment(experiment),
      () => reader.ensureExperiment({ ...experiment, name: 'other' }),
      () => reader.registerVariants(id, []),
      () => reader.failRun('nope', 'boom'),
    ];
    for (const attempt of writes) expect(attempt).toThrow(expect.objectContaining({ code: 'TLAB_DB_READONLY' }));
    expect(reader.listExperiments().map((e) => e.name)).toEqual(['cats-vs-dogs']);
    reader.close();
    expect(sha256(file)).toBe(before);
  });
});
