import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertNotNewer, migrate, readSchemaVersion } from './migrate.ts';
import { latestSchemaVersion } from './migrations.ts';
import { createStore } from './store-write.ts';
import { DbNotFoundError, DbOlderSchemaError } from './store-errors.ts';
import type { Store } from './store-types.ts';
import { storeFailure } from './store-failure.ts';
import { assertRegularFile, prepareWritableFile, writeBlocker } from './writable-file.ts';

export interface OpenStoreOptions {
  /** For the UI: never creates, migrates or writes, so it can sit next to a running sweep. */
  readonly readonly?: boolean;
  /** Who this process is for leases; unique per open by default (host, pid, random). */
  readonly owner?: string;
  /** How long a claimed run stays this process's without a renewal. */
  readonly leaseMs?: number;
}

/** A lease outlives several missed heartbeats, yet a dead runner's work is taken over within a minute. */
export const defaultLeaseMs = 30_000;

/** `host:pid:nonce`: the host and pid let a runner on the same machine see that a lease's owner is gone. */
export function newLeaseOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Long enough to ride out another process's commit or checkpoint, short enough to report a stuck lock. */
const busyTimeoutMs = 5000;

export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  const db = options.readonly === true ? connectForReading(file) : connectForWriting(file);
  return createStore(db, file, { owner: options.owner ?? newLeaseOwner(), leaseMs: options.leaseMs ?? defaultLeaseMs });
}

/** A vetted read-only connection: for the results reader, which adds its aggregate queries to the store's reads. */
export function connectForReading(file: string): Database.Database {
  if (!fs.existsSync(file)) throw new DbNotFoundError(file);
  assertRegularFile(file);
  let db: Database.Database;
  try {
    db = openReadOnly(file);
  } catch (error) {
    throw storeFailure(error, file);
  }
  return setUpOrClose(db, file, false, (db) => {
    const version = readSchemaVersion(db, file);
    assertNotNewer(version, file);
    if (version < latestSchemaVersion) throw new DbOlderSchemaError(file, version, latestSchemaVersion);
  });
}

/** A WAL file's header without frames: nothing that the main file lacks. */
const walHeaderBytes = 32;

/**
 * A read-only connection that writes nothing next to the file. SQLite creates `-shm` and `-wal`
 * beside a WAL database even to read it, which in a folder that cannot be written fails
 * (SQLITE_CANTOPEN, SQLITE_READONLY_DIRECTORY) and, as root, would add files to a folder made
 * read-only on purpose. There the file is read into memory as it is now, as SQLite's `immutable=1`
 * would read it: this better-sqlite3 is built without URI filenames (SQLITE_USE_URI=0) to ask for
 * that. It costs memory the size of the file. tlab never writes in such a folder, so nothing is
 * missed; a `-wal` already holding frames is read through SQLite instead, with its existing `-shm`.
 */
export function openReadOnly(file: string): Database.Database {
  const walFile = `${file}-wal`;
  const walHasFrames = fs.existsSync(walFile) && fs.statSync(walFile).size > walHeaderBytes;
  if (walHasFrames || writeBlocker(path.dirname(file)) === undefined) {
    return new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  }
  const bytes = fs.readFileSync(file);
  // Header bytes 18 and 19 are 2 for WAL; a database in memory has no WAL, so it reads as a rollback-journal one (1).
  if (bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20);
  return new Database(bytes, { readonly: true });
}

function connectForWriting(file: string): Database.Database {
  prepareWritableFile(file);
  const created = !fs.existsSync(file);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
  } catch (error) {
    throw storeFailure(error, file);
  }
  return setUpOrClose(db, file, created, (db) => {
    // better-sqlite3 builds SQLite with foreign keys on by default; stated so no other build can drop them.
    db.pragma('foreign_keys = ON');
    // Migrating first also vets the file: a foreign or newer one fails before the WAL switch rewrites its header.
    migrate(db, file);
    db.pragma('journal_mode = WAL');
    // WAL keeps NORMAL crash-safe; only a power cut can lose the last commits, never corrupt the file.
    db.pragma('synchronous = NORMAL');
  });
}

/** A failed set-up closes the connection, and removes the file if this open created it (an empty DB helps nobody). */
function setUpOrClose(db: Database.Database, file: string, created: boolean, setUp: (db: Database.Database) => void): Database.Database {
  try {
    setUp(db);
    return db;
  } catch (error) {
    db.close();
    if (created) for (const leftover of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(leftover, { force: true });
    throw storeFailure(error, file);
  }
}
