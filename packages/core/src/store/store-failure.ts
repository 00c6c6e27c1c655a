import Database from 'better-sqlite3';
import { DbCorruptError, DbFullError, DbNotSqliteError } from './store-errors.ts';

/**
 * SQLite's answers to a damaged file or a full disk, turned into errors that say what happened
 * and what to do; anything else is passed on unchanged.
 */
export function storeFailure(error: unknown, file: string): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code === 'SQLITE_NOTADB') return new DbNotSqliteError(file, { cause: error });
  if (error.code.startsWith('SQLITE_CORRUPT')) return new DbCorruptError(file, { cause: error });
  // A file size limit (ulimit -f) shows as an I/O error on write rather than SQLITE_FULL.
  if (error.code === 'SQLITE_FULL' || error.code === 'SQLITE_IOERR_WRITE' || error.code === 'SQLITE_IOERR_SHMSIZE' || error.code === 'SQLITE_IOERR_TRUNCATE') {
    return new DbFullError(file, { cause: error });
  }
  return error;
}
