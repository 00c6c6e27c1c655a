import fs from 'node:fs';
import Database from 'better-sqlite3';
import { latestSchemaVersion } from './migrations.ts';
import { readSchemaVersion } from './migrate.ts';
import { openReadOnly } from './open-store.ts';
import { assertRegularFile } from './writable-file.ts';

export interface StoreHealth {
  readonly file: string;
  readonly sqliteVersion: string;
  readonly exists: boolean;
  /** Why the file cannot be used as a results DB (not SQLite, unreadable); absent when it can. */
  readonly problem?: string;
  readonly schemaVersion?: number;
  readonly latestSchemaVersion: number;
  /** `ok`, or the first problem PRAGMA integrity_check found. */
  readonly integrity?: string;
  readonly journalMode?: string;
  /** Running runs whose lease has expired: their process died or hung; the next sweep takes them over. */
  readonly expiredLeases: ReadonlyArray<{ readonly runId: string; readonly owner: string; readonly expiredAt: number }>;
  /** Running runs with a live lease, for the caller to check their owners. */
  readonly liveLeases: ReadonlyArray<{ readonly runId: string; readonly owner: string }>;
}

/**
 * A read-only look at a results DB for `tlab doctor`: unlike openStore it reports what it finds
 * (an old schema, a foreign file) instead of refusing, and never writes.
 */
export function inspectStore(file: string, now = Date.now()): StoreHealth {
  const memory = new Database(':memory:');
  const sqliteVersion = memory.prepare('SELECT sqlite_version()').pluck().get() as string;
  memory.close();
  const base = { file, sqliteVersion, latestSchemaVersion, expiredLeases: [], liveLeases: [] };
  if (!fs.existsSync(file)) return { ...base, exists: false };
  let db: Database.Database;
  try {
    assertRegularFile(file);
    db = openReadOnly(file);
  } catch (error) {
    return { ...base, exists: true, problem: (error as Error).message };
  }
  try {
    const schemaVersion = readSchemaVersion(db, file);
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const journalMode = db.pragma('journal_mode', { simple: true }) as string;
    const hasLeases = (db.prepare(`SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'lease_owner'`).pluck().get() as number) > 0;
    const leases = hasLeases
      ? (db.prepare(`SELECT id, lease_owner, lease_expires_at FROM runs WHERE status = 'running' AND lease_owner IS NOT NULL`).all() as Array<{
          id: string;
          lease_owner: string;
          lease_expires_at: number;
        }>)
      : [];
    return {
      ...base,
      exists: true,
      schemaVersion,
      integrity,
      journalMode,
      expiredLeases: leases.filter((l) => l.lease_expires_at <= now).map((l) => ({ runId: l.id, owner: l.lease_owner, expiredAt: l.lease_expires_at })),
      liveLeases: leases.filter((l) => l.lease_expires_at > now).map((l) => ({ runId: l.id, owner: l.lease_owner })),
    };
  } catch (error) {
    return { ...base, exists: true, problem: (error as Error).message };
  } finally {
    db.close();
  }
}
