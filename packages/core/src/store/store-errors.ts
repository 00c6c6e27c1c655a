import type { TlabErrorCode } from '../errors/error-codes.ts';
import { TlabError } from '../errors/tlab-error.ts';
import { closestMatch } from '../text/did-you-mean.ts';
import { listSome } from '../text/list-some.ts';
import type { RunStatus } from './store-types.ts';

/**
 * The results store's failures: the file, the disk, the lease and the store's own invariants. A
 * sweep cannot record a failed run when the store itself failed, so it stops on any of these.
 */
export class StoreError extends TlabError {
  constructor(code: TlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StoreError';
  }
}

export class DbNotSqliteError extends StoreError {
  constructor(file: string, options?: { cause?: unknown; what?: string }) {
    super(
      'TLAB_DB_NOT_SQLITE',
      `results DB ${file} is ${options?.what ?? 'not a SQLite database'}; expected a SQLite file: point --db at another path or move this one away`,
      options,
    );
  }
}

/** A SQLite file that tlab did not create: migrating it would mix tlab's tables into another program's. */
export class DbForeignError extends StoreError {
  constructor(file: string, tables: readonly string[]) {
    super(
      'TLAB_DB_FOREIGN',
      `results DB ${file} is another program's SQLite database (tables: ${listSome(tables, 5)}; no tlab schema version); it was left untouched: point --db at another path`,
    );
  }
}

export class DbCorruptError extends StoreError {
  constructor(file: string, options?: { cause?: unknown }) {
    super(
      'TLAB_DB_CORRUPT',
      `results DB ${file} is damaged (SQLite reports corruption); nothing was written. Restore it from a backup, or recover its rows with the sqlite3 shell's .recover`,
      options,
    );
  }
}

export class DbFullError extends StoreError {
  constructor(file: string, options?: { cause?: unknown }) {
    super(
      'TLAB_DB_FULL',
      `results DB ${file}: the disk (or the file size limit) is full; the write was rolled back and everything committed before is intact. Free space and run the sweep again`,
      options,
    );
  }
}

export class DbNewerSchemaError extends StoreError {
  constructor(file: string, fileVersion: number, knownVersion: number) {
    super(
      'TLAB_DB_NEWER_SCHEMA',
      `results DB ${file} has schema version ${fileVersion}, but this tlab only knows up to version ${knownVersion}; upgrade tlab (the file was left untouched)`,
    );
  }
}

/**
 * Read-only opens cannot migrate, so a DB that no writer has brought up to date yet cannot be read.
 * Version 0 is a DB whose first migration never committed: what a sweep killed while creating it leaves.
 */
export class DbOlderSchemaError extends StoreError {
  constructor(file: string, fileVersion: number, knownVersion: number) {
    super(
      'TLAB_DB_OLDER_SCHEMA',
      fileVersion === 0
        ? `results DB ${file} holds no results yet: it was created but never set up (a sweep stopped while creating it); run a sweep on it to set it up`
        : `results DB ${file} has schema version ${fileVersion}, older than version ${knownVersion} that this tlab reads; open it once for writing (e.g. run a sweep) to migrate it`,
    );
  }
}

export class DbNotFoundError extends StoreError {
  constructor(file: string) {
    super('TLAB_DB_NOT_FOUND', `results DB ${file} does not exist; run a sweep first to create it`);
  }
}

export class DbReadonlyError extends StoreError {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super('TLAB_DB_READONLY', `results DB ${file} is not writable: ${reason}`, options);
  }
}

/** SQLite may not open the file at all (no read permission, a folder it cannot search). */
export class DbUnreadableError extends StoreError {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super('TLAB_DB_UNREADABLE', `results DB ${file} cannot be opened (${reason}); expected a file this user can read, in a folder it can search`, options);
  }
}

export class RunNotFoundError extends StoreError {
  constructor(file: string, runId: string) {
    super('TLAB_RUN_NOT_FOUND', `results DB ${file} has no run ${runId}`);
  }
}

/** An experiment asked for by id or name (`tlab report`) that the DB does not hold; names the ones it does. */
export class ExperimentNotFoundError extends StoreError {
  constructor(file: string, wanted: string, known: ReadonlyArray<{ readonly id: number; readonly name: string }>) {
    const hint = closestMatch(wanted, known.map((e) => e.name));
    const listed = known.length === 0 ? 'it holds none yet; run a sweep first' : `it holds ${listSome(known.map((e) => `"${e.name}" (id ${e.id})`))}`;
    super('TLAB_EXPERIMENT_NOT_FOUND', `results DB ${file} has no experiment with the id or name "${wanted}"${hint === undefined ? '' : `; did you mean "${hint}"?`} (${listed})`);
  }
}

/** Guards the run lifecycle: finished results are never overwritten and a stopped attempt cannot keep writing. */
export class RunWrongStatusError extends StoreError {
  constructor(file: string, runId: string, status: RunStatus, action: string, expected: readonly RunStatus[], remedy?: string) {
    super('TLAB_RUN_WRONG_STATUS', `cannot ${action} run ${runId} in ${file}: it is ${status}, expected ${expected.join(' or ')}${remedy === undefined ? '' : `; ${remedy}`}`);
  }
}

/** Variant ids are the primary key, so an id already owned by another experiment would silently drop a run. */
export class RunIdConflictError extends StoreError {
  constructor(file: string, runId: string, ownerExperimentId: number, experimentId: number) {
    super(
      'TLAB_RUN_ID_CONFLICT',
      `run ${runId} in ${file} already belongs to experiment ${ownerExperimentId}, not experiment ${experimentId}; variant ids must be unique across experiments`,
    );
  }
}

export class ConfusionShapeError extends StoreError {
  constructor(runId: string, classes: number, detail: string) {
    super('TLAB_CONFUSION_SHAPE', `confusion matrix of run ${runId} must be ${classes}×${classes} for ${classes} classes: ${detail}`);
  }
}

/** Another process took the run over (this one stalled past its lease): its results must not be written. */
export class LeaseLostError extends StoreError {
  constructor(file: string, runId: string, owner: string, holder: string | null) {
    super(
      'TLAB_LEASE_LOST',
      `results DB ${file}: run ${runId} is no longer leased to this process (${owner}) but to ${holder ?? 'nobody'}; its results were not written`,
    );
  }
}

export class DbBusyError extends StoreError {
  constructor(file: string, attempts: number, options?: { cause?: unknown }) {
    super(
      'TLAB_DB_BUSY',
      `results DB ${file} stayed locked by another process through ${attempts} attempts; check for a stuck tlab process (tlab doctor lists stale leases)`,
      options,
    );
  }
}
