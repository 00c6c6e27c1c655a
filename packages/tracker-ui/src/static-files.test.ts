import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../test/app-harness.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('static files', () => {
  it('serves the package static folder with content types and ETags', async () => {
    const script = await h.get('/static/app.js');
    expect(script.status).toBe(200);
    expect(script.type).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe(readFileSync(new URL('../static/app.js', import.meta.url), 'utf8'));
    expect(script.headers.get('etag')).toBeTruthy();
    const revalidated = await h.app.request('/static/app.js', { headers: { 'If-None-Match': script.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
    expect((await h.get('/static/app.css')).type).toBe('text/css; charset=utf-8');
  });

  it('serves echarts from node_modules, so the UI needs no network', async () => {
    const echarts = await h.get('/static/echarts.min.js');
    expect(echarts.status).toBe(200);
    const file = createRequire(import.meta.url).resolve('echarts/dist/echarts.min');
    expect(echarts.body.length).toBe(readFileSync(file, 'utf8').length);
  });

  it.each([
    '/static/../package.json',
    '/static/..%2Fpackage.json',
    '/static/%2e%2e%2fpackage.json',
    '/static/..%5Cpackage.json',
    '/static/%2e%2e/src/serve.ts',
    '/static/..%2F..%2F..%2Fpackage.json',
    '/static/%252e%252e%252fpackage.json',
    '/static/echarts.js',
    '/static/',
    '/static/app.js%00.css',
    '/static//etc/passwd',
    '/static/%2Fetc%2Fpasswd',
  ])('serves nothing outside the static folder: %s', async (path) => {
    const response = await h.get(path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('"name": "@tlab/tracker-ui"');
    expect(response.body).not.toContain('root:');
  });
});
