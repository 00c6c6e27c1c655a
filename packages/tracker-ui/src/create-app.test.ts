import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StoreReader } from '@tlab/core';
import { createApp } from './create-app.ts';

const hostileName = '<script>alert(1)</script>';

function storeWithExperiment(): StoreReader {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tlab-ui-')), 'tlab.db');
  const writer = openStore(file);
  writer.ensureExperiment({ name: hostileName, specText: `name: x`, specHash: 'h1' });
  writer.close();
  return openStore(file, { readonly: true });
}

describe('tracker UI', () => {
  let store: StoreReader | undefined;
  afterEach(() => store?.close());

  it('lists experiments on the home page with their names escaped', async () => {
    store = storeWithExperiment();
    const response = await createApp(store).request('/');
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(hostileName);
  });

  it('serves the same list as JSON', async () => {
    store = storeWithExperiment();
    const response = await createApp(store).request('/api/experiments');
    expect(response.status).toBe(200);
    const experiments = (await response.json()) as Array<{ name: string; runCount: number }>;
    expect(experiments.map((e) => [e.name, e.runCount])).toEqual([[hostileName, 0]]);
  });

  it('answers unknown paths with 404', async () => {
    store = storeWithExperiment();
    expect((await createApp(store).request('/nope')).status).toBe(404);
  });
});
