import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { parseCliArgs, sweepOptionsOf } from '../src/cli/parse-args.ts';
import { processRunSettings } from '../src/settings/run-settings.ts';
import { runSweep } from '../src/sweep/run-sweep.ts';
import { recordingReporter } from './tiny-experiment.ts';

/**
 * Builds what a hostile-input case needs at test time (image folders, DB files) and runs it, through
 * the real `tlab` command or in-process. Nothing binary is committed: images are generated here.
 */

export const bin = path.resolve(import.meta.dirname, '../bin/tlab.js');
export const coreFixtures = path.resolve(import.meta.dirname, '../../core/test/fixtures/bad');
export const runnerFixtures = path.resolve(import.meta.dirname, 'fixtures/bad');
export const dataCaseSpec = path.join(runnerFixtures, 'data-case.yaml');

/** One file or folder of a generated data folder. */
export type Entry =
  | 'png' // a valid 16×16 image
  | 'empty' // zero bytes
  | 'truncated' // the first half of a valid PNG
  | 'text' // text with an image extension
  | 'bomb' // a valid 20000×20000 PNG
  | 'folder'
  | 'fifo' // a named pipe nothing writes to: reading it waits for good
  | { readonly symlink: string };

/**
 * A data folder as relative path → entry. `%XX` in a path stands for the raw byte XX, so that names
 * which are not valid UTF-8 can be written down.
 */
export type Layout = Readonly<Record<string, Entry>>;

export function images(folder: string, count: number): Layout {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${folder}/${i}.png`, 'png' as const]));
}

/** Two classes on both sides: what every data case starts from before it breaks something. */
export const healthy: Layout = {
  ...images('train/dark', 4),
  ...images('train/bright', 4),
  ...images('validation/dark', 2),
  ...images('validation/bright', 2),
};

export async function writeLayout(root: string, layout: Layout): Promise<void> {
  for (const [relative, entry] of Object.entries(layout)) {
    const target = rawPath(path.join(root, relative));
    fs.mkdirSync(rawPath(path.dirname(path.join(root, relative))), { recursive: true });
    if (entry === 'folder') fs.mkdirSync(target, { recursive: true });
    else if (entry === 'fifo') makeFifo(target);
    else if (typeof entry === 'object') fs.symlinkSync(entry.symlink, target);
    else fs.writeFileSync(target, await contentOf(entry, relative));
  }
}

function rawPath(file: string): string | Buffer {
  if (!/%[0-9A-F]{2}/.test(file)) return file;
  return Buffer.concat(file.split(/(%[0-9A-F]{2})/).map((part) => (/^%[0-9A-F]{2}$/.test(part) ? Buffer.from([parseInt(part.slice(1), 16)]) : Buffer.from(part))));
}

/** Node has no mkfifo; coreutils' does it. */
export function makeFifo(file: string | Buffer): void {
  execFileSync('mkfifo', [file.toString()]);
}

async function contentOf(entry: Exclude<Entry, 'folder' | 'fifo' | { symlink: string }>, relative: string): Promise<Buffer> {
  switch (entry) {
    case 'png':
      // A grey level per file, so the classes differ and training has something finite to fit.
      return png(16, () => 30 + (createHash('sha256').update(relative).digest()[0]! % 200));
    case 'empty':
      return Buffer.alloc(0);
    case 'truncated': {
      // Noise does not compress, so half the file cuts deep into the pixel data, not the header.
      const whole = await png(32, (i) => (i * 7919) % 256);
      return whole.subarray(0, whole.length >> 1);
    }
    case 'text':
      return Buffer.from('id,label\n1,dark\n2,bright\n');
    case 'bomb':
      return decompressionBomb();
  }
}

function png(side: number, value: (index: number) => number): Promise<Buffer> {
  const pixels = Buffer.from(Array.from({ length: side * side * 3 }, (_, i) => value(i)));
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
}

export const bombSide = 20000;

/**
 * A valid 20000×20000 one-bit black PNG, about 50 KB. Written by hand because sharp takes seconds
 * to encode 400 million pixels; deflate shrinks the all-zero rows about 1000-fold.
 */
export function decompressionBomb(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(bombSide, 0);
  header.writeUInt32BE(bombSide, 4);
  header[8] = 1; // bit depth; the rest (greyscale, deflate, no filter, no interlace) are zeros
  const row = 1 + Math.ceil(bombSide / 8); // filter byte + packed bits
  const pixels = zlib.deflateSync(Buffer.alloc(row * bombSide), { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/** The data-case spec with a 50 MB description, as the spec-size report had it; written once per case. */
export function writeOversizedSpec(caseDir: string): string {
  const file = path.join(caseDir, 'oversized.yaml');
  fs.writeFileSync(file, `${fs.readFileSync(dataCaseSpec, 'utf8')}description: ${'x'.repeat(50 * 1024 ** 2)}\n`);
  return file;
}

/** The --db file a case starts with. */
export type DbSetup =
  | 'snapshot' // a real results DB written by a successful sweep
  | 'absent'
  | 'not-sqlite'
  | 'foreign' // another program's SQLite file, with a `runs` table of its own
  | 'newer-schema' // the snapshot, as a tlab one schema version ahead would have left it
  | 'read-only-file'
  | 'read-only-folder' // absent, in a folder without write permission
  | 'under-a-file' // absent, its "folder" is a file
  | 'a-folder' // the path is a folder
  | 'truncated' // the snapshot cut to its first 4 KiB, as a crash of a disk copy leaves it
  | 'corrupt'; // the snapshot with every page after the first (the schema) overwritten: it opens, its reads fail

export function prepareDb(setup: DbSetup, caseDir: string, snapshot: Buffer): string {
  switch (setup) {
    case 'snapshot':
    case 'read-only-file':
    case 'newer-schema': {
      const file = path.join(caseDir, 'tlab.db');
      fs.writeFileSync(file, snapshot);
      if (setup === 'newer-schema') bumpSchemaVersion(file);
      if (setup === 'read-only-file') fs.chmodSync(file, 0o444);
      return file;
    }
    case 'absent':
      return path.join(caseDir, 'tlab.db');
    case 'not-sqlite': {
      const file = path.join(caseDir, 'results.db');
      fs.writeFileSync(file, 'run,val_accuracy\n3f1c0e9a7b2d4c11,0.93\n');
      return file;
    }
    case 'foreign': {
      const file = path.join(caseDir, 'app.db');
      const db = new Database(file);
      db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, km REAL)');
      db.close();
      return file;
    }
    case 'read-only-folder': {
      const folder = path.join(caseDir, 'locked');
      fs.mkdirSync(folder, { mode: 0o555 });
      return path.join(folder, 'tlab.db');
    }
    case 'under-a-file': {
      fs.writeFileSync(path.join(caseDir, 'not-a-folder'), 'a file where the DB folder should be\n');
      return path.join(caseDir, 'not-a-folder', 'tlab.db');
    }
    case 'a-folder': {
      const folder = path.join(caseDir, 'tlab.db');
      fs.mkdirSync(folder);
      return folder;
    }
    case 'truncated': {
      const file = path.join(caseDir, 'tlab.db');
      fs.writeFileSync(file, snapshot.subarray(0, 4096));
      return file;
    }
    case 'corrupt': {
      const file = path.join(caseDir, 'tlab.db');
      fs.writeFileSync(file, Buffer.from(snapshot).fill(0x5a, snapshot.readUInt16BE(16)));
      return file;
    }
  }
}

function bumpSchemaVersion(file: string): void {
  const db = new Database(file);
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    db.pragma(`user_version = ${version + 1}`);
  } finally {
    db.close();
  }
}

/**
 * What a DB holds, as far as any SQLite reader can tell: the main file's bytes (null when absent)
 * and whatever a WAL or rollback journal next to it would add. An empty WAL (as a read-only open
 * leaves behind) adds nothing; one with frames or a hot journal would change what is read.
 */
export function dbState(file: string): { bytes: Buffer | null; walBytes: number; journal: boolean } {
  const size = (sidecar: string): number => (fs.existsSync(sidecar) ? fs.statSync(sidecar).size : 0);
  return {
    // A folder in the DB's place is compared by its entries: nothing may be created inside it.
    bytes: !fs.existsSync(file) ? null : fs.statSync(file).isDirectory() ? Buffer.from(fs.readdirSync(file).join('\n')) : fs.readFileSync(file),
    // 32 bytes is a WAL header without frames.
    walBytes: Math.max(0, size(`${file}-wal`) - 32),
    journal: fs.existsSync(`${file}-journal`),
  };
}

export interface CliResult {
  readonly via: 'cli';
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface InProcessResult {
  readonly via: 'in-process';
  /** What runSweep (or the argument parser) threw; undefined when the sweep went through. */
  readonly error: unknown;
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** `ulimit -f` in 512-byte blocks: writes past it fail as on a full disk (Node ignores SIGXFSZ). */
  readonly fileSizeLimitBlocks?: number;
}

/** `tlab sweep <argv>` as a child process, as a user runs it. */
export function runCli(argv: readonly string[], cwd: string, options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, TLAB_BACKEND: 'wasm', ...options.env };
  // The cases pass --data-root explicitly; an inherited one must not decide for them.
  delete env['TLAB_DATA_ROOT'];
  const command = [process.execPath, bin, 'sweep', ...argv];
  const [file, args] =
    options.fileSizeLimitBlocks === undefined
      ? [command[0]!, command.slice(1)]
      : ['/bin/sh', ['-c', `ulimit -f ${options.fileSizeLimitBlocks}; exec "$@"`, 'sh', ...command]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (data: Buffer) => out.push(data));
    child.stderr.on('data', (data: Buffer) => err.push(data));
    child.on('error', reject);
    child.on('close', (exitCode) =>
      resolve({ via: 'cli', exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/**
 * The same arguments through the CLI's own parser into runSweep, for cases that fail in checks
 * where a child process would add only its start-up second.
 */
export async function runInProcess(argv: readonly string[]): Promise<InProcessResult> {
  try {
    const args = parseCliArgs(['sweep', ...argv]);
    if (args.command !== 'sweep') throw new TypeError(`expected sweep arguments, got ${args.command}`);
    await runSweep({ ...sweepOptionsOf(args, processRunSettings(args.settingFlags)), reporter: recordingReporter() });
    return { via: 'in-process', error: undefined };
  } catch (error) {
    return { via: 'in-process', error };
  }
}

/** Runs at most `concurrency` tasks at a time; a finishing task hands its slot to the next waiting one. */
export function limitConcurrency(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active < concurrency) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** Read-only folders must be writable again before they can be removed (for users other than root). */
export function removeTree(root: string): void {
  const unlock = (dir: string): void => {
    fs.chmodSync(dir, 0o755);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) unlock(path.join(dir, entry.name));
    }
  };
  if (!fs.existsSync(root)) return;
  unlock(root);
  fs.rmSync(root, { recursive: true, force: true });
}
