import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openResultsReader } from '@tlab/core';
import { createHarness, type AppHarness } from '../test/app-harness.ts';
import { createSampleResults } from '../test/sample-results.ts';
import { createApp } from './create-app.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('createApp', () => {
  it('answers an unknown page with a 404 page and an unknown API path with JSON', async () => {
    const page = await h.get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('/no/such/page does not exist');
    const api = await h.get('/api/nothing');
    expect(api.status).toBe(404);
    expect(api.json()).toEqual({ error: { status: 404, message: '/api/nothing does not exist' } });
  });

  it('escapes what a 404 page echoes back', async () => {
    const page = await h.get('/runs/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(page.status).toBe(404);
    expect(page.body).toContain('run &lt;script&gt;alert(1)&lt;/script&gt; does not exist');
    expect(page.body).not.toContain('<script>alert');
  });

  it('forbids inline scripts and framing on every response', async () => {
    for (const path of ['/', '/api/experiments', '/nope']) {
      const csp = (await h.get(path)).headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('answers from a damaged DB with the coded message on every page and API path, not a bare 500', async () => {
    const sample = createSampleResults();
    sample.writer.close();
    // Every page after the first (the schema) overwritten: the DB opens and vets, and each query fails.
    const bytes = readFileSync(sample.file);
    writeFileSync(sample.file, bytes.fill(0x5a, bytes.readUInt16BE(16)));
    const reader = openResultsReader(sample.file);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = createApp(reader);
      const page = await app.request('/');
      expect(page.status).toBe(500);
      expect(await page.text()).toMatch(/results DB .*tlab\.db is damaged \(SQLite reports corruption\).* \[TLAB_DB_CORRUPT\]/);
      const api = await app.request('/api/experiments');
      expect(await api.json()).toEqual({ error: { status: 500, message: expect.stringMatching(/is damaged .*\[TLAB_DB_CORRUPT\]$/) } });
      // The server log gets the same one paragraph, not a stack per request.
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^error: results DB .* \[TLAB_DB_CORRUPT\]$/));
    } finally {
      logged.mockRestore();
      reader.close();
      sample.cleanup();
    }
  });

  it('leaves the DB file byte for byte as it was, whatever it serves', async () => {
    h.sample.writer.close();
    const hash = (): string => createHash('sha256').update(readFileSync(h.sample.file)).digest('hex');
    const before = hash();
    const { experimentId, runIds } = h.sample;
    for (const path of [
      '/',
      `/experiments/${experimentId}`,
      `/experiments/${experimentId}?group=none&sort=param:head.dropout`,
      `/experiments/${experimentId}/ablation`,
      `/experiments/${experimentId}/parallel`,
      `/experiments/${experimentId}/live`,
      `/runs/${runIds[0]}`,
      `/compare?run=${runIds[0]}&run=${runIds[1]}`,
      `/api/experiments/${experimentId}/leaderboard.csv`,
    ]) {
      expect((await h.get(path)).status).toBe(200);
    }
    expect(hash()).toBe(before);
  });
});
