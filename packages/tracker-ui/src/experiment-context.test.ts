import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxDescriptionLength, maxSpecBytes, parseSpec, specFacts } from '@tlab/core';
import { createHarness, type AppHarness } from '../test/app-harness.ts';

// As a DB written before specs were bounded holds them: 5 MB each is enough to show the cap.
const hugeLength = 5 * 1024 ** 2;

let h: AppHarness;
let hugeId: number;
beforeAll(() => {
  h = createHarness();
  const loaded = parseSpec('name: huge\ndata: { builtin: { name: mnist } }\n', 'huge.yaml');
  hugeId = h.sample.writer.ensureExperiment({
    name: 'huge',
    specText: `${loaded.text}description: ${'d'.repeat(hugeLength)}\n`,
    specHash: loaded.specHash,
    facts: { ...specFacts(loaded.spec), description: 'd'.repeat(hugeLength) },
  });
});
afterAll(() => h.close());

describe('text an old DB holds beyond what a spec may hold now', () => {
  it('is served cut to the limits: the experiments page, the experiment page and the API stay small', async () => {
    const pages = await Promise.all(['/', '/api/experiments', `/experiments/${hugeId}`, `/api/experiments/${hugeId}`].map((path) => h.get(path)));
    for (const page of pages) expect(page.status).toBe(200);
    const [list, listApi, page, api] = pages.map((p) => p.body.length);
    expect(list).toBeLessThan(maxDescriptionLength + 64 * 1024);
    expect(listApi).toBeLessThan(maxDescriptionLength + 64 * 1024);
    expect(page).toBeLessThan(maxDescriptionLength + 64 * 1024);
    expect(api).toBeLessThan(maxDescriptionLength + maxSpecBytes + 64 * 1024);
    const served = pages[3]!.json<{ description: string; specText: string }>();
    expect(served.description).toMatch(new RegExp(`^d{${maxDescriptionLength}}… \\(${hugeLength - maxDescriptionLength} more characters not shown\\)$`));
    expect(served.specText).toMatch(/^name: huge\n.*… \(\d+ more characters not shown\)$/s);
  });
});
