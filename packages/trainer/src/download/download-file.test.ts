import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, DownloadDigestMismatch, DownloadFailure } from './download-file.ts';

let dir: string;
let server: http.Server;
let baseUrl: string;
const body = Buffer.from('keras weights, or anything else of a few bytes');
const md5 = createHash('md5').update(body).digest('hex');

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tlab-download-'));
  server = http.createServer((request, response) => response.writeHead(request.url === '/file.h5' ? 200 : 404).end(request.url === '/file.h5' ? body : undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('downloadFile, like Keras get_file with file_hash', () => {
  it('writes the file when its md5 is the published one', async () => {
    const target = path.join(dir, 'ok', 'file.h5');
    await downloadFile(`${baseUrl}/file.h5`, target, { algorithm: 'md5', digest: md5 });
    expect(await fs.readFile(target)).toEqual(body);
  });

  it('leaves nothing behind when the digest differs or the server says no', async () => {
    const target = path.join(dir, 'bad', 'file.h5');
    const mismatch = await downloadFile(`${baseUrl}/file.h5`, target, { algorithm: 'md5', digest: '0'.repeat(32) }).catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(DownloadDigestMismatch);
    expect((mismatch as DownloadDigestMismatch).actual).toBe(md5);
    const missing = await downloadFile(`${baseUrl}/nothing.h5`, target).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DownloadFailure);
    expect((missing as DownloadFailure).reason).toBe('HTTP 404 Not Found');
    expect(await fs.readdir(path.dirname(target))).toEqual([]);
  });
});
