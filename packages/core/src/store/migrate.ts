import Database from 'better-sqlite3';
import { latestSchemaVersion, migrations } from './migrations.ts';
import { faultPoint } from '../faults/fault-point.ts';
import { DbForeignError, DbNewerSchemaError } from './store-errors.ts';
import { storeFailure } from './store-failure.ts';

/**
 * The first statement that reads the file, so it is where a non-SQLite file shows itself; a SQLite
 * file another program made (version 0 with tables of its own) is refused here too, before a
 * migration would fail on its `runs` table. Reading writes nothing, which keeps every check before
 * migrating side-effect free.
 */
export function readSchemaVersion(db: Database.Database, file: string): number {
  let version: number;
  let tables: string[];
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    tables = version === 0 ? (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[]) : [];
  } catch (error) {
    throw storeFailure(error, file);
  }
  if (tables.length > 0) throw new DbForeignError(file, tables);
  return version;
}

export function assertNotNewer(version: number, file: string): void {
  if (version > latestSchemaVersion) throw new DbNewerSchemaError(file, version, latestSchemaVersion);
}

/**
 * Applies the missing steps, each with its version bump in one IMMEDIATE transaction. The version is
 * read before any transaction, because a non-SQLite file would otherwise first fail inside BEGIN;
 * and again inside each one, because another process may have migrated while this one waited.
 * Until a step commits nothing is written, so a newer or foreign file is refused unmodified.
 */
export function migrate(db: Database.Database, file: string): void {
  const step = db.transaction((): number => {
    const current = readSchemaVersion(db, file);
    assertNotNewer(current, file);
    const migration = migrations[current];
    if (migration === undefined) return current;
    if (typeof migration === 'string') db.exec(migration);
    else migration(db);
    faultPoint('migration');
    db.pragma(`user_version = ${current + 1}`);
    return current + 1;
  });
  let version = readSchemaVersion(db, file);
  assertNotNewer(version, file);
  while (version < latestSchemaVersion) version = step.immediate();
}
