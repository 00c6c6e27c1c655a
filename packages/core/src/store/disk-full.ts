import Database from 'better-sqlite3';

/** A write that failed for want of room: a full disk, a quota, or a file size limit (ulimit -f). */
export function isDiskFull(error: unknown): boolean {
  // A file size limit shows in SQLite as an I/O error on write rather than SQLITE_FULL.
  if (error instanceof Database.SqliteError) return ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_SHMSIZE', 'SQLITE_IOERR_TRUNCATE'].includes(error.code);
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}
