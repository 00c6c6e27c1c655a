import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenFailure } from './server-errors.ts';
import { startServer } from './start-server.ts';
import { createSampleResults, type SampleResults } from '../test/sample-results.ts';
import type { ResultsReader } from '@tlab/core';

let sample: SampleResults;
let reader: ResultsReader;
beforeAll(() => {
  sample = createSampleResults();
  reader = sample.openReader();
});
afterAll(() => {
  reader.close();
  sample.cleanup();
});

describe('startServer', () => {
  it('listens on 127.0.0.1 by default, on a free port when asked for port 0, and closes', async () => {
    const server = await startServer(reader, { port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/api/experiments`);
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });

  it('rejects with TLAB_PORT_IN_USE naming the port when it is taken', async () => {
    const first = await startServer(reader, { port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startServer(reader, { port })).rejects.toMatchObject({ code: 'TLAB_PORT_IN_USE', message: expect.stringContaining(`127.0.0.1:${port}`) });
    } finally {
      await first.close();
    }
  });

  it('names host, port and the reason for any other failure to listen (TLAB_LISTEN_FAILED)', () => {
    // EACCES is what a port below 1024 gives a user other than root; the tests run as root, so it is built here.
    const denied = Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES' });
    const error = listenFailure(denied, '127.0.0.1', 80);
    expect(error.code).toBe('TLAB_LISTEN_FAILED');
    expect(error.message).toMatch(/^cannot listen on 127\.0\.0\.1:80 \(EACCES\); expected --host .* \(ports below 1024 need root\)$/);
    expect(error.cause).toBe(denied);
  });
});
