import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../test/app-harness.ts';

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
