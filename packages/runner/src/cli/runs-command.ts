import { DbNotFoundError, formatBytes, openStore } from '@tlab/core';
import fs from 'node:fs';
import { stuckRuns } from '../sweep/stuck-runs.ts';
import { collectArtifacts } from '../trained/artifact-health.ts';
import type { Output } from './output.ts';

/** `tlab runs gc`: deletes checkpoint files that no run of the DB references. */
export function runGcCommand(db: string, out: Output): number {
  const { removed, bytes, dir } = collectArtifacts(db);
  out.write(`Removed ${removed} unreferenced file(s) (${formatBytes(bytes)}) from ${dir}\n`);
  return 0;
}

/**
 * `tlab runs abandon`: marks interrupted every run left running by a process that is gone, so that
 * none stays `running` for good; a sweep restarts an interrupted run it still identifies.
 */
export function runAbandonCommand(db: string, out: Output): number {
  if (!fs.existsSync(db)) throw new DbNotFoundError(db);
  const store = openStore(db);
  try {
    const abandoned = store.abandonRuns(stuckRuns(store).map((run) => ({ runId: run.id, lease: run.lease })));
    out.write(abandoned.length === 0 ? 'No run is left running by a process that is gone.\n' : `Marked ${abandoned.length} run(s) interrupted: ${abandoned.join(', ')}\n`);
    return 0;
  } finally {
    store.close();
  }
}
