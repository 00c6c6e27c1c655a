import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildFolderOnce, pathExists } from './build-folder-once.ts';
import { DataBadSha256Error, DataDownloadError } from './data-errors.ts';
import { unpackZip } from './unpack-zip.ts';

/**
 * Like Keras's `get_file(extract=True)`: downloads the zip at `url` once into
 * `<cacheDir>/downloads/<file name>`, checks its sha256, unpacks it once into
 * `<cacheDir>/datasets/<name>-<sha256 prefix>/` and returns that folder. A cached archive with the
 * right sha256 is used without touching the network, so an offline machine works once the file is
 * placed there by hand; one with the wrong sha256 is fetched again.
 */
export async function downloadDataset(url: string, sha256: string, cacheDir: string): Promise<string> {
  const fileName = archiveName(url);
  const datasetDir = path.join(cacheDir, 'datasets', `${fileName.replace(/\.zip$/i, '')}-${sha256.slice(0, 12)}`);
  await buildFolderOnce(datasetDir, async (tempDir) => {
    const archive = path.join(cacheDir, 'downloads', fileName);
    if (!(await pathExists(archive)) || (await fileSha256(archive)) !== sha256) {
      await download(url, sha256, archive);
    }
    await unpackZip(archive, tempDir);
  });
  return datasetDir;
}

function archiveName(url: string): string {
  const name = path.posix.basename(decodeURIComponent(new URL(url).pathname));
  // Only the last path segment, and never something that could climb out of the downloads folder.
  return name === '' || name === '.' || name === '..' ? 'archive.zip' : name;
}

async function download(url: string, sha256: string, archive: string): Promise<void> {
  await fs.mkdir(path.dirname(archive), { recursive: true });
  const partial = `${archive}.part-${process.pid}-${Date.now()}`;
  const failed = (reason: string, cause?: unknown): DataDownloadError =>
    new DataDownloadError(url, reason, archive, sha256, cause === undefined ? undefined : { cause });
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw failed(describeFetchError(error), error);
  }
  if (!response.ok || response.body === null) {
    throw failed(`HTTP ${response.status} ${response.statusText}`);
  }
  const hash = createHash('sha256');
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
    throw failed(describeFetchError(error), error);
  }
  const actual = hash.digest('hex');
  if (actual !== sha256) {
    await fs.rm(partial, { force: true });
    throw new DataBadSha256Error(url, sha256, actual);
  }
  await fs.rename(partial, archive);
}

function describeFetchError(error: unknown): string {
  // fetch hides the system error (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
