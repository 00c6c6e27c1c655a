import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { DataArchiveError } from './data-errors.ts';

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const endOfCentralDirectory = 0x06054b50;
const centralHeader = 0x02014b50;
const localHeader = 0x04034b50;
const stored = 0;
const deflated = 8;

/**
 * Unpacks the zip `archive` into the existing folder `destination`: stored and deflated entries,
 * the kinds dataset archives use. Refuses what could write outside `destination` (absolute or
 * `..` names, links), encrypted entries and zip64. The archive's sha256 was checked before, so
 * entries are not CRC-checked again; their sizes are.
 */
export async function unpackZip(archive: string, destination: string): Promise<void> {
  const fail = (problem: string): never => {
    throw new DataArchiveError(archive, problem);
  };
  const handle = await fs.open(archive, 'r');
  try {
    for (const entry of await readCentralDirectory(handle, fail)) {
      const target = safeTarget(destination, entry.name, fail);
      if (entry.name.endsWith('/')) {
        await fs.mkdir(target, { recursive: true });
        continue;
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      const header = await readExactly(handle, entry.localHeaderOffset, 30, fail);
      if (header.readUInt32LE(0) !== localHeader) {
        fail(`has a broken local header for ${entry.name}`);
      }
      const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      await writeEntry(archive, entry, dataStart, target, fail);
    }
  } finally {
    await handle.close();
  }
}

async function readCentralDirectory(handle: fs.FileHandle, fail: (problem: string) => never): Promise<ZipEntry[]> {
  const { size } = await handle.stat();
  // The end record (22 bytes) sits after a comment of at most 65535 bytes.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await readExactly(handle, size - tailLength, tailLength, fail);
  let end = -1;
  for (let i = tail.length - 22; i >= 0 && end < 0; i--) {
    if (tail.readUInt32LE(i) === endOfCentralDirectory) {
      end = i;
    }
  }
  if (end < 0) {
    fail('is not a zip file (no end of central directory)');
  }
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) {
    fail('is a zip64 archive (over 4 GB or 65535 entries), which is not supported');
  }
  const directory = await readExactly(handle, directoryOffset, directorySize, fail);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== centralHeader) {
      fail('has a broken central directory');
    }
    const madeOnUnix = directory.readUInt8(at + 5) === 3;
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const name = directory.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    const entry = {
      name,
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    if (flags & 0x1) {
      fail(`has an encrypted entry ${name}`);
    }
    if (madeOnUnix && ((directory.readUInt32LE(at + 38) >>> 16) & 0o170000) === 0o120000) {
      fail(`has a symbolic link ${name}`);
    }
    if (!name.endsWith('/') && entry.method !== stored && entry.method !== deflated) {
      fail(`uses compression method ${entry.method} for ${name}; only stored and deflated entries are supported`);
    }
    entries.push(entry);
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
  return entries;
}

/** Where `name` goes under `destination`, refusing names that would escape it (zip-slip). */
function safeTarget(destination: string, name: string, fail: (problem: string) => never): string {
  const parts = name.replaceAll('\\', '/').split('/');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || parts.includes('..')) {
    fail(`has an entry ${name} that would be written outside the folder it is unpacked into`);
  }
  return path.join(destination, ...parts);
}

async function writeEntry(archive: string, entry: ZipEntry, start: number, target: string, fail: (problem: string) => never): Promise<void> {
  if (entry.compressedSize === 0) {
    await fs.writeFile(target, '');
    return;
  }
  let written = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.length;
      callback(written > entry.size ? new DataArchiveError(archive, `entry ${entry.name} holds more than its declared ${entry.size} bytes`) : null, chunk);
    },
  });
  const source = createReadStream(archive, { start, end: start + entry.compressedSize - 1 });
  const output = createWriteStream(target);
  await (entry.method === deflated ? pipeline(source, zlib.createInflateRaw(), counter, output) : pipeline(source, counter, output));
  if (written !== entry.size) {
    fail(`entry ${entry.name} holds ${written} bytes, not its declared ${entry.size}`);
  }
}

async function readExactly(handle: fs.FileHandle, position: number, length: number, fail: (problem: string) => never): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length) {
    fail('is truncated');
  }
  return buffer;
}
