import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isDiskFull } from '@tlab/core';
import { EngineError } from '../engine/engine-error.ts';
import { defaultFeaturePrecision, type FeaturePrecision } from '../options/feature-precisions.ts';
import { decodeFloat16, encodeFloat16 } from './float16.ts';


export interface FeatureCacheStats {
  readonly file: string;
  readonly entries: number;
  readonly bytes: number;
  readonly budgetBytes: number;
}

export interface FeatureCacheOptions {
  readonly precision?: FeaturePrecision;
  /** Past this many bytes of stored features, the least recently used are evicted. */
  readonly budgetBytes?: number;
}

export const defaultFeatureCacheBudgetBytes = 4 * 1024 ** 3;

/**
 * Backbone activations on disk, one row per (image, cutoff, augmentation draw, ...) key, so the
 * frozen network runs once per image per epoch for a whole sweep and once per image ever for
 * un-augmented inputs. SQLite keeps it one file with atomic writes, concurrent readers (WAL) and
 * cheap LRU bookkeeping; rows are small blobs (a 7×7×768 float16 map is 75 KB).
 */
export class FeatureCache {
  readonly file: string;
  readonly precision: FeaturePrecision;
  private readonly db: Database.Database;
  private readonly cacheDir: string;
  private readonly budgetBytes: number;
  private bytes: number;
  private readonly selectMany: (keys: readonly string[], columns: 'key' | 'key, data') => Array<{ key: string; data?: Buffer }>;

  constructor(cacheDir: string, options: FeatureCacheOptions = {}) {
    this.cacheDir = cacheDir;
    this.file = path.join(cacheDir, 'features.db');
    this.precision = options.precision ?? defaultFeaturePrecision;
    this.budgetBytes = options.budgetBytes ?? defaultFeatureCacheBudgetBytes;
    this.db = this.writing(() => openCacheDb(cacheDir, this.file));
    this.bytes = (this.db.prepare('SELECT coalesce(sum(bytes), 0) FROM features').pluck().get() as number) ?? 0;
    const statements = new Map<string, Database.Statement>();
    this.selectMany = (keys, columns) => {
      let statement = statements.get(`${columns}/${keys.length}`);
      if (!statement) {
        statement = this.db.prepare(`SELECT ${columns} FROM features WHERE key IN (${keys.map(() => '?').join(',')})`);
        statements.set(`${columns}/${keys.length}`, statement);
      }
      return statement.all(...keys) as Array<{ key: string; data?: Buffer }>;
    };
  }

  /** The stored features for each key, or undefined where there are none; marks hits as used. */
  getMany(keys: readonly string[]): Array<Float32Array | undefined> {
    if (keys.length === 0) return [];
    const found = new Map(this.selectMany(keys, 'key, data').map((row) => [row.key, this.decode(row.data!)]));
    if (found.size > 0) {
      const hit = [...found.keys()];
      this.writing(() => this.db.prepare(`UPDATE features SET last_used = ? WHERE key IN (${hit.map(() => '?').join(',')})`).run(Date.now(), ...hit));
    }
    return keys.map((key) => found.get(key));
  }

  /** Whether features are stored under each key, without reading them (nor marking them used). */
  hasMany(keys: readonly string[]): boolean[] {
    if (keys.length === 0) return [];
    const found = new Set(this.selectMany(keys, 'key').map((row) => row.key));
    return keys.map((key) => found.has(key));
  }

  /**
   * Stores `values` under each key and returns them as a later `getMany` will (rounded to the
   * cache's precision), so a run computes on the same numbers whether the cache was cold or warm.
   */
  putMany(entries: ReadonlyArray<readonly [key: string, values: Float32Array]>): Float32Array[] {
    const now = Date.now();
    const insert = this.db.prepare(
      `INSERT INTO features (key, data, bytes, last_used) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET data = excluded.data, bytes = excluded.bytes, last_used = excluded.last_used`,
    );
    const previous = this.db.prepare('SELECT bytes FROM features WHERE key = ?').pluck();
    const stored: Float32Array[] = [];
    let added = 0;
    this.writing(() =>
      this.db.transaction(() => {
        for (const [key, values] of entries) {
          const data = this.encode(values);
          added += data.byteLength - ((previous.get(key) as number | undefined) ?? 0);
          insert.run(key, data, data.byteLength, now);
          stored.push(this.decode(data));
        }
        // IMMEDIATE: a deferred transaction that reads first cannot upgrade to a write while another
        // process writes (WAL answers SQLITE_BUSY at once, without waiting).
      }).immediate(),
    );
    // Counted once committed: a write that failed was rolled back.
    this.bytes += added;
    if (this.bytes > this.budgetBytes) this.evict();
    return stored;
  }

  stats(): FeatureCacheStats {
    const entries = this.db.prepare('SELECT count(*) FROM features').pluck().get() as number;
    return { file: this.file, entries, bytes: this.bytes, budgetBytes: this.budgetBytes };
  }

  clear(): void {
    this.writing(() => {
      this.db.exec('DELETE FROM features');
      this.db.exec('VACUUM');
    });
    this.bytes = 0;
  }

  close(): void {
    this.db.close();
  }

  /** Drops least recently used rows until the cache is a tenth under budget, so eviction is not per insert. */
  private evict(): void {
    const target = this.budgetBytes * 0.9;
    const oldest = this.db.prepare('SELECT key, bytes FROM features ORDER BY last_used, key LIMIT 256');
    const remove = this.db.prepare('DELETE FROM features WHERE key = ?');
    let bytes = this.bytes;
    this.writing(() =>
      this.db.transaction(() => {
        while (bytes > target) {
          const rows = oldest.all() as Array<{ key: string; bytes: number }>;
          if (rows.length === 0) break;
          for (const row of rows) {
            if (bytes <= target) break;
            remove.run(row.key);
            bytes -= row.bytes;
          }
        }
      }).immediate(),
    );
    this.bytes = bytes;
  }

  /** Runs a write; a disk or file size limit that is full becomes an error naming the cache and the way out. */
  private writing<T>(write: () => T): T {
    try {
      return write();
    } catch (error) {
      throw isDiskFull(error) ? new FeatureCacheFullError(this.cacheDir, this.budgetBytes, { cause: error }) : error;
    }
  }

  private encode(values: Float32Array): Buffer {
    const typed = this.precision === 'float16' ? encodeFloat16(values) : values;
    return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  }

  private decode(data: Buffer): Float32Array {
    // Copy into an aligned buffer: SQLite's blob may start at any byte offset.
    const aligned = new Uint8Array(data).buffer;
    return this.precision === 'float16' ? decodeFloat16(new Uint16Array(aligned)) : new Float32Array(aligned);
  }
}

function openCacheDb(cacheDir: string, file: string): Database.Database {
  mkdirSync(cacheDir, { recursive: true });
  // The timeout first: concurrent sweeps may open a fresh cache together, and the WAL switch needs a lock.
  const db = new Database(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS features (
    key TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    bytes INTEGER NOT NULL,
    last_used INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS features_by_last_used ON features (last_used);`);
  return db;
}

/** The disk under the feature cache (or a file size limit) filled up while features were stored. */
export class FeatureCacheFullError extends EngineError {
  constructor(cacheDir: string, budgetBytes: number, options?: { cause?: unknown }) {
    super(
      'TLAB_CACHE_FULL',
      `feature cache ${cacheDir}: the disk (or the file size limit) is full, so features cannot be stored; the write was rolled back. ` +
        `Free space there, lower --cache-budget-mb (now ${Math.round(budgetBytes / 1024 ** 2)}) below the room the disk has so older features are evicted first, ` +
        'or move the cache to a disk with room with --cache-dir',
      options,
    );
    this.name = 'FeatureCacheFullError';
  }
}
