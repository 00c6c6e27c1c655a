import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DataArchiveError } from './data-errors.ts';

const symbolicLinkMode = 0o120000;
const fileTypeMask = 0o170000;

/**
 * Unpacks the zip `archive` into the existing folder `destination` with yauzl, which reads the
 * central directory (zip64 included), refuses names that would escape the folder (absolute or
 * `..`) and checks every entry's declared size. Links and encrypted entries are refused here:
 * a dataset archive has no business with either.
 */
export async function unpackZip(archive: string, destination: string): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(archive);
  } catch (error) {
    throw new DataArchiveError(archive, `is not a readable zip file (${(error as Error).message})`);
  }
  try {
    for await (const entry of entriesOf(zip)) {
      const target = path.join(destination, ...entry.fileName.split('/'));
      if (entry.fileName.endsWith('/')) {
        await fs.mkdir(target, { recursive: true });
        continue;
      }
      if (((entry.externalFileAttributes >>> 16) & fileTypeMask) === symbolicLinkMode) {
        throw new DataArchiveError(archive, `has a symbolic link ${entry.fileName}`);
      }
      if (entry.isEncrypted()) throw new DataArchiveError(archive, `has an encrypted entry ${entry.fileName}`);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await pipeline(await openEntry(zip, entry), createWriteStream(target));
    }
  } catch (error) {
    if (error instanceof DataArchiveError) throw error;
    throw new DataArchiveError(archive, `cannot be unpacked: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
}

function openZip(archive: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(archive, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

/** yauzl's entries one at a time (lazyEntries), so a large archive is never listed into memory. */
async function* entriesOf(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const cleanup = () => zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      zip.once('entry', (e: yauzl.Entry) => (cleanup(), resolve(e)));
      zip.once('end', () => (cleanup(), resolve(undefined)));
      zip.once('error', (e: Error) => (cleanup(), reject(e)));
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}
