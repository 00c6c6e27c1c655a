import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { faultPoint } from '../faults/fault-point.ts';
import { notRegularFile } from '../files/regular-file.ts';
import { isDiskFull } from '../store/disk-full.ts';
import { ArtifactCorruptError, ArtifactMissingError, ArtifactStoreFullError } from './artifact-errors.ts';

/** What a run's row keeps of an artifact: its content address and size. */
export interface ArtifactRef {
  readonly sha256: string;
  readonly bytes: number;
}

export interface StoredArtifact extends ArtifactRef {
  readonly file: string;
}

const extension = '.safetensors';
const temporaryPrefix = '.tmp-';

/**
 * The artifact folder of a results DB: `.tlab/tlab.db` keeps its artifacts in `.tlab/artifacts/tlab/`.
 * One folder per DB file, so cleaning one DB's orphans never touches another DB's artifacts.
 */
export function artifactsDirOf(dbFile: string): string {
  return path.join(path.dirname(path.resolve(dbFile)), 'artifacts', path.basename(dbFile, path.extname(dbFile)));
}

/**
 * Content-addressed files (`<dir>/<first two hex digits>/<sha256>.safetensors`). A put writes a
 * temporary file in the final folder, flushes it and renames it into place: a crash at any point
 * leaves the complete file or none under the final name, and at worst a `.tmp-` file that
 * {@link ArtifactStore.removeUnreferenced} deletes.
 */
export class ArtifactStore {
  constructor(readonly dir: string) {}

  fileOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}${extension}`);
  }

  /** Stores the concatenation of `parts` (written one after another, never joined in memory). */
  put(parts: readonly Uint8Array[]): ArtifactRef {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    const sha256 = hash.digest('hex');
    const file = this.fileOf(sha256);
    const ref = { sha256, bytes: parts.reduce((sum, part) => sum + part.byteLength, 0) };
    // Same content, same name: a file already there (and intact) is this artifact.
    if (fs.existsSync(file) && fs.statSync(file).size === ref.bytes) return ref;
    const temporary = path.join(path.dirname(file), `${temporaryPrefix}${randomBytes(6).toString('hex')}`);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(temporary, 'w');
      try {
        for (const part of parts) {
          // A write may take fewer bytes than offered; continue where it stopped.
          for (let at = 0; at < part.byteLength; ) at += fs.writeSync(fd, part, at);
        }
        faultPoint('artifact-write');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, file);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      throw isDiskFull(error) ? new ArtifactStoreFullError(this.dir, ref.bytes, { cause: error }) : error;
    }
    return ref;
  }

  /** The artifact's bytes, checked against its hash. */
  read(ref: ArtifactRef, what: string): Buffer {
    const file = this.fileOf(ref.sha256);
    if (!fs.existsSync(file)) throw new ArtifactMissingError(file, what);
    // Checked before reading: a link to /dev/zero in its place was read until memory ran out (23.6 GB).
    const stats = fs.statSync(file);
    const kind = notRegularFile(stats);
    if (kind !== undefined) throw new ArtifactCorruptError(file, `it is ${kind}, not a file`);
    if (stats.size !== ref.bytes) throw new ArtifactCorruptError(file, `it holds ${stats.size} bytes, the run recorded ${ref.bytes}`);
    const bytes = fs.readFileSync(file);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== ref.sha256) throw new ArtifactCorruptError(file, `its sha256 is ${actual}, the run recorded ${ref.sha256}`);
    return bytes;
  }

  /** Every complete artifact in the folder (temporary files left by a crash are not listed). */
  list(): StoredArtifact[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(extension) && !entry.name.startsWith(temporaryPrefix))
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return { file, sha256: entry.name.slice(0, -extension.length), bytes: fs.statSync(file).size };
      })
      .sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  }

  /**
   * Deletes artifacts not in `referenced` and temporary files, each only once older than `graceMs`:
   * a run still training writes its checkpoint before its row references it.
   */
  removeUnreferenced(referenced: ReadonlySet<string>, graceMs: number): { removed: number; bytes: number } {
    let removed = 0;
    let bytes = 0;
    if (!fs.existsSync(this.dir)) return { removed, bytes };
    for (const entry of fs.readdirSync(this.dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const stat = fs.statSync(file);
      const unreferenced = entry.name.startsWith(temporaryPrefix) || (entry.name.endsWith(extension) && !referenced.has(entry.name.slice(0, -extension.length)));
      if (!unreferenced || Date.now() - stat.mtimeMs < graceMs) continue;
      fs.rmSync(file);
      removed += 1;
      bytes += stat.size;
    }
    return { removed, bytes };
  }
}
