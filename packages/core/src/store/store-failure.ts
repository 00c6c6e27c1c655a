import Database from 'better-sqlite3';
import { isDiskFull } from './disk-full.ts';
import { DbCorruptError, DbFullError, DbNotSqliteError, DbReadonlyError, DbUnreadableError } from './store-errors.ts';

/**
 * SQLite's answers to a damaged file, a full disk or a file it may not open, turned into errors
 * that say what happened and what to do; anything else is passed on unchanged.
 */
export function storeFailure(error: unknown, file: string): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code === 'SQLITE_NOTADB') return new DbNotSqliteError(file, { cause: error });
  if (error.code.startsWith('SQLITE_CORRUPT')) return new DbCorruptError(file, { cause: error });
  if (isDiskFull(error)) return new DbFullError(file, { cause: error });
  // Reading a WAL database also writes its `-shm` beside it: a read-only folder or mount refuses that.
  if (error.code.startsWith('SQLITE_READONLY')) return new DbReadonlyError(file, `SQLite could not write it or its -wal and -shm files beside it (${error.code}: ${error.message})`, { cause: error });
  if (error.code.startsWith('SQLITE_CANTOPEN')) return new DbUnreadableError(file, `${error.code}: ${error.message}`, { cause: error });
  return error;
}

/**
 * `reader` with SQLite's failures translated in every method: a damaged page is met by whichever
 * query reads it first, long after the file was opened and vetted.
 */
export function translatingFailures<T extends object>(reader: T, file: string): T {
  const translated = Object.entries(reader).map(([key, value]: [string, unknown]) => {
    if (typeof value !== 'function') return [key, value];
    const method = value as (...args: unknown[]) => unknown;
    return [
      key,
      (...args: unknown[]) => {
        try {
          return method(...args);
        } catch (error) {
          throw storeFailure(error, file);
        }
      },
    ];
  });
  return Object.fromEntries(translated) as T;
}
