import fs from 'node:fs';
import path from 'node:path';
import { TlabError } from '../errors/tlab-error.ts';
import { notRegularFile } from '../files/regular-file.ts';
import { DbNotSqliteError, DbReadonlyError } from './store-errors.ts';

/** Builds the error that names what a folder or file that cannot be written was for. */
type RefuseWrite = (reason: string, cause?: unknown) => Error;

/**
 * Checks that `file` can be written (SQLite also creates `-wal` and `-shm` next to it, so its folder
 * must be writable too) and creates the missing folders.
 */
export function prepareWritableFile(file: string): void {
  const refuse: RefuseWrite = (reason, cause) => new DbReadonlyError(file, reason, { cause });
  prepareWritableFolder(path.dirname(file), refuse);
  if (!fs.existsSync(file)) return;
  assertRegularFile(file);
  const blocked = writeBlocker(file);
  if (blocked !== undefined) throw refuse(blocked.reason, blocked.cause);
}

/**
 * Checks that `folder` can be written, or created in its nearest existing ancestor, and creates it.
 * Checked before mkdir so that a protected ancestor does not gain new sub-folders.
 */
function prepareWritableFolder(folder: string, refuse: RefuseWrite): void {
  const existing = nearestExisting(folder);
  if (!fs.statSync(existing).isDirectory()) throw refuse(`${existing} is a file, not a folder`);
  const blocked = writeBlocker(existing);
  if (blocked !== undefined) throw refuse(blocked.reason, blocked.cause);
  if (existing === folder) return;
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw refuse(`cannot create folder ${folder} (${errorMessage(error)})`, error);
  }
}

/** A folder named on the command line (`--cache-dir`, `--out`) that tlab must write into but cannot. */
export class FolderUnusableError extends TlabError {
  constructor(flag: string, dir: string, purpose: string, reason: string, options?: { cause?: unknown }) {
    super('TLAB_FOLDER_UNUSABLE', `${flag} ${dir} cannot ${purpose}: ${reason}; expected a folder tlab can create or write`, options);
  }
}

/** Creates the folder given as `flag`, or refuses it before any work that would end in ENOTDIR or EEXIST. */
export function prepareFolderFor(flag: string, dir: string, purpose: string): void {
  prepareWritableFolder(dir, (reason, cause) => new FolderUnusableError(flag, dir, purpose, reason, { cause }));
}

/**
 * A results DB path that is a folder reads as an I/O error deep in SQLite, and a device
 * (/dev/null) as one on the first write; said plainly instead.
 */
export function assertRegularFile(file: string): void {
  const kind = notRegularFile(fs.statSync(file));
  if (kind !== undefined) throw new DbNotSqliteError(file, { what: kind });
}

/**
 * Why `target` (an existing file or folder) cannot be written, or undefined when it can.
 *
 * access(2) alone would pass everything for root, whose DAC override writes through `chmod a-w`; a
 * folder or file with every write bit cleared was made read-only on purpose, so it counts as
 * read-only for every user.
 */
export function writeBlocker(target: string): { reason: string; cause?: unknown } | undefined {
  const stats = fs.statSync(target);
  // Creating entries in a folder also needs search permission.
  const mode = stats.isDirectory() ? fs.constants.W_OK | fs.constants.X_OK : fs.constants.W_OK;
  try {
    fs.accessSync(target, mode);
  } catch (error) {
    return { reason: errorMessage(error), cause: error };
  }
  if ((stats.mode & 0o222) === 0) return { reason: `${target} has no write permission bits (chmod u+w ${target} to let tlab write)` };
  return undefined;
}

function nearestExisting(folder: string): string {
  let current = folder;
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
