import { formatBytes } from '@tlab/core';
import { collectArtifacts } from '../trained/artifact-health.ts';
import type { Output } from './output.ts';

/** `tlab runs gc`: deletes checkpoint files that no run of the DB references. */
export function runGcCommand(db: string, out: Output): number {
  const { removed, bytes, dir } = collectArtifacts(db);
  out.write(`Removed ${removed} unreferenced file(s) (${formatBytes(bytes)}) from ${dir}\n`);
  return 0;
}
