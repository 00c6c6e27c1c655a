import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('rejects when the port is taken', async () => {
    const first = await startServer(reader, { port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startServer(reader, { port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
