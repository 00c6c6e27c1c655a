import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A published checksum: data.sha256 for datasets, Keras's md5 `file_hash` for its weight files. */
export interface ExpectedDigest {
  readonly algorithm: 'sha256' | 'md5';
  readonly digest: string;
}

/** The fetch failed (no network, HTTP error, broken stream); `reason` says why in a few words. */
export class DownloadFailure extends Error {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DownloadFailure';
  }
}

export class DownloadDigestMismatch extends Error {
  constructor(readonly expected: ExpectedDigest, readonly actual: string) {
    super(`${expected.algorithm} ${actual}, expected ${expected.digest}`);
    this.name = 'DownloadDigestMismatch';
  }
}

/**
 * Streams `url` into `file`, hashing on the way, like Keras's `get_file`: the bytes land under a
 * temporary name and are renamed into place only when complete and (if `expected` is given) equal
 * to the published digest, so an interrupted or wrong download never looks like a cached file.
 */
export async function downloadFile(url: string, file: string, expected?: ExpectedDigest): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.part-${process.pid}-${Date.now()}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DownloadFailure(describeFetchError(error), { cause: error });
  }
  if (!response.ok || response.body === null) throw new DownloadFailure(`HTTP ${response.status} ${response.statusText}`);
  const hash = createHash(expected?.algorithm ?? 'sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body), hashing, createWriteStream(partial));
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw new DownloadFailure(describeFetchError(error), { cause: error });
  }
  const actual = hash.digest('hex');
  if (expected !== undefined && actual !== expected.digest) {
    await fs.rm(partial, { force: true });
    throw new DownloadDigestMismatch(expected, actual);
  }
  await fs.rename(partial, file);
}

export async function fileDigest(file: string, algorithm: ExpectedDigest['algorithm']): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function describeFetchError(error: unknown): string {
  // fetch hides the system error (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
