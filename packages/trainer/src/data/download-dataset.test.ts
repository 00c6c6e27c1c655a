import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '@tlab/core';
import { makeTempDir, writeClassFolders } from '../../test/fixture-images.ts';
import { fixtureZip, type FixtureZipEntry } from '../../test/fixture-zip.ts';
import { resolveDataset } from './resolve-dataset.ts';
import { unpackZip } from './unpack-zip.ts';
import { caughtTlabError } from '@tlab/core/testing';

let workDir: string;
let server: http.Server;
let baseUrl: string;
const served = new Map<string, Buffer>();
const requests: string[] = [];
let archive: Buffer;
let archiveSha256: string;

beforeAll(async () => {
  workDir = await makeTempDir('download');
  const source = path.join(workDir, 'source');
  await writeClassFolders(source, { train: { horses: 3, humans: 2 }, validation: { horses: 1, humans: 1 } });
  const entries: FixtureZipEntry[] = [{ name: 'horse-or-human/' }];
  for (const file of (await fs.readdir(source, { recursive: true })).sort()) {
    const stat = await fs.stat(path.join(source, file));
    entries.push(
      stat.isDirectory()
        ? { name: `horse-or-human/${file}/` }
        : { name: `horse-or-human/${file}`, data: await fs.readFile(path.join(source, file)), deflate: file.includes('horses') },
    );
  }
  archive = fixtureZip(entries);
  archiveSha256 = sha256(archive);
  served.set('/files/horse-or-human.zip', archive);
  server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = served.get(request.url ?? '');
    response.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(workDir, { recursive: true, force: true });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function remote(url: string, digest = archiveSha256): ResolvedConfig['data'] {
  return { url, sha256: digest, root: 'horse-or-human', train: 'train', validation: 'validation', image_size: [150, 150], preprocessing: 'rescale', rescale: 1 / 255 };
}

describe('data.url', () => {
  it('downloads once, checks the sha256, unpacks once and resolves train/validation inside the archive', async () => {
    const cacheDir = path.join(workDir, 'cache-once');
    const url = `${baseUrl}/files/horse-or-human.zip`;
    const before = requests.length;
    const dataset = await resolveDataset(remote(url), { seed: 1, specDir: workDir, cacheDir });
    expect(dataset.classes).toEqual(['horses', 'humans']);
    expect(dataset.train).toHaveLength(5);
    expect(dataset.validation).toHaveLength(2);
    expect(await fs.readFile(path.join(cacheDir, 'downloads', 'horse-or-human.zip'))).toEqual(archive);
    expect(dataset.train[0]?.path).toBe(path.join(cacheDir, 'datasets', `horse-or-human-${archiveSha256.slice(0, 12)}`, 'horse-or-human/train/horses/img-00.jpg'));

    const again = await resolveDataset(remote(url), { seed: 1, specDir: workDir, cacheDir });
    expect(again).toEqual(dataset);
    await fs.rm(path.join(cacheDir, 'datasets'), { recursive: true });
    expect((await resolveDataset(remote(url), { seed: 1, specDir: workDir, cacheDir })).fingerprint).toBe(dataset.fingerprint);
    expect(requests.length - before).toBe(1);
  });

  it('fails with TLAB_DATA_BAD_SHA256 naming expected and actual, and removes the download', async () => {
    const cacheDir = path.join(workDir, 'cache-bad');
    const wrong = '0'.repeat(64);
    const error = await caughtTlabError(resolveDataset(remote(`${baseUrl}/files/horse-or-human.zip`, wrong), { seed: 1, specDir: workDir, cacheDir }));
    expect(error.code).toBe('TLAB_DATA_BAD_SHA256');
    expect(error.message).toContain(`sha256 ${archiveSha256}, expected ${wrong}`);
    expect(await fs.readdir(path.join(cacheDir, 'downloads'))).toEqual([]);
  });

  it('replaces a cached archive whose sha256 is wrong', async () => {
    const cacheDir = path.join(workDir, 'cache-stale');
    await fs.mkdir(path.join(cacheDir, 'downloads'), { recursive: true });
    await fs.writeFile(path.join(cacheDir, 'downloads', 'horse-or-human.zip'), 'half a download');
    const dataset = await resolveDataset(remote(`${baseUrl}/files/horse-or-human.zip`), { seed: 1, specDir: workDir, cacheDir });
    expect(dataset.train).toHaveLength(5);
    expect(await fs.readFile(path.join(cacheDir, 'downloads', 'horse-or-human.zip'))).toEqual(archive);
  });

  it('offline, fails with TLAB_DATA_DOWNLOAD naming the URL and the cache path; a file placed there by hand is used', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/horse-or-human.zip`;
    await new Promise((resolve) => closed.close(resolve));
    const cacheDir = path.join(workDir, 'cache-offline');
    const error = await caughtTlabError(resolveDataset(remote(url), { seed: 1, specDir: workDir, cacheDir }));
    const byHand = path.join(cacheDir, 'downloads', 'horse-or-human.zip');
    expect(error.code).toBe('TLAB_DATA_DOWNLOAD');
    expect(error.message).toContain(`could not download ${url} (`);
    expect(error.message).toContain(`place it at ${byHand} (expected sha256 ${archiveSha256})`);
    expect(error.message).toMatch(/ECONNREFUSED/);
    await fs.writeFile(byHand, archive);
    expect((await resolveDataset(remote(url), { seed: 1, specDir: workDir, cacheDir })).train).toHaveLength(5);
  });

  it('fails with TLAB_DATA_DOWNLOAD on an HTTP error', async () => {
    const error = await caughtTlabError(resolveDataset(remote(`${baseUrl}/files/missing.zip`), { seed: 1, specDir: workDir, cacheDir: path.join(workDir, 'cache-404') }));
    expect(error.code).toBe('TLAB_DATA_DOWNLOAD');
    expect(error.message).toContain('HTTP 404');
  });
});

describe('unpackZip', () => {
  const unpackInto = async (entries: FixtureZipEntry[]): Promise<string> => {
    const dir = await makeTempDir('unzip');
    await fs.writeFile(path.join(dir, 'a.zip'), fixtureZip(entries));
    await fs.mkdir(path.join(dir, 'out'));
    await unpackZip(path.join(dir, 'a.zip'), path.join(dir, 'out'));
    return path.join(dir, 'out');
  };

  it('writes stored and deflated files, empty ones and folders', async () => {
    const text = Buffer.from('hello '.repeat(100));
    const out = await unpackInto([
      { name: 'a/b/deflated.txt', data: text, deflate: true },
      { name: 'a/stored.txt', data: text },
      { name: 'a/empty.txt' },
      { name: 'a/empty-deflated.txt', deflate: true },
      { name: 'folder/' },
    ]);
    expect(await fs.readFile(path.join(out, 'a/b/deflated.txt'))).toEqual(text);
    expect(await fs.readFile(path.join(out, 'a/stored.txt'))).toEqual(text);
    expect((await fs.stat(path.join(out, 'a/empty.txt'))).size).toBe(0);
    expect((await fs.stat(path.join(out, 'a/empty-deflated.txt'))).size).toBe(0);
    expect((await fs.stat(path.join(out, 'folder'))).isDirectory()).toBe(true);
  });

  it('refuses entries that would escape the folder, links, and files that are not zips (TLAB_DATA_ARCHIVE)', async () => {
    const slip = await caughtTlabError(unpackInto([{ name: '../escaped.txt', data: Buffer.from('x') }]));
    expect(slip.code).toBe('TLAB_DATA_ARCHIVE');
    expect(slip.message).toContain('../escaped.txt');
    expect((await caughtTlabError(unpackInto([{ name: '/etc/escaped', data: Buffer.from('x') }]))).code).toBe('TLAB_DATA_ARCHIVE');
    expect((await caughtTlabError(unpackInto([{ name: 'link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]))).message).toContain('symbolic link');
    const dir = await makeTempDir('not-zip');
    await fs.writeFile(path.join(dir, 'x.zip'), 'plain text, not a zip');
    expect((await caughtTlabError(unpackZip(path.join(dir, 'x.zip'), dir))).message).toContain('not a readable zip file');
  });
});
