import { createHash } from 'node:crypto';

/** One file that a dataset uses, described only by what is the same on every machine. */
export interface FingerprintEntry {
  readonly split: 'train' | 'validation';
  /** Class folder name, then the '/'-separated path inside it. */
  readonly relativePath: string;
  readonly size: number;
  /** sha256 (hex) of the file's bytes. */
  readonly sha256: string;
}

/**
 * sha256 over the class list and every used file in order. Absolute paths, folder names above the
 * class folders and timestamps stay out, so a copy of the same files anywhere gives the same value,
 * while renaming, moving between splits or changing one byte changes it.
 */
export function datasetFingerprint(classes: readonly string[], entries: readonly FingerprintEntry[]): string {
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify({ classes })}\n`);
  for (const entry of entries) {
    hash.update(`${JSON.stringify([entry.split, entry.relativePath, entry.size, entry.sha256])}\n`);
  }
  return hash.digest('hex');
}
