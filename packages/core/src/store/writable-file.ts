import fs from 'node:fs';
import path from 'node:path';
import { DbNotSqliteError, DbReadonlyError } from './store-errors.ts';

/**
 * Checks that `file` can be written (SQLite also creates `-wal` and `-shm` next to it, so its folder
 * must be writable too) and creates the missing folders.
 *
 * access(2) alone would pass everything for root, whose DAC override writes through `chmod a-w`; a
 * folder or file with every write bit cleared was made read-only on purpose, so it counts as
 * read-only for every user.
 */
export function prepareWritableFile(file: string): void {
  const folder = path.dirname(file);
  const existing = nearestExisting(folder);
  if (!fs.statSync(existing).isDirectory()) throw new DbReadonlyError(file, `${existing} is a file, not a folder`);
  // Checked before mkdir so that a protected ancestor does not gain new sub-folders.
  assertWritable(existing, file);
  if (existing !== folder) {
    try {
      fs.mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw new DbReadonlyError(file, `cannot create folder ${folder} (${errorMessage(error)})`, { cause: error });
    }
  }
  if (!fs.existsSync(file)) return;
  if (fs.statSync(file).isDirectory()) throw new DbNotSqliteError(file, { what: 'a folder' });
  assertWritable(file, file);
}

function assertWritable(target: string, file: string): void {
  const stats = fs.statSync(target);
  // Creating entries in a folder also needs search permission.
  const mode = stats.isDirectory() ? fs.constants.W_OK | fs.constants.X_OK : fs.constants.W_OK;
  try {
    fs.accessSync(target, mode);
  } catch (error) {
    throw new DbReadonlyError(file, errorMessage(error), { cause: error });
  }
  if ((stats.mode & 0o222) === 0) {
    throw new DbReadonlyError(file, `${target} has no write permission bits (chmod u+w ${target} to let tlab write)`);
  }
}

function nearestExisting(folder: string): string {
  let current = folder;
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
