import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('misclassified images', () => {
  it('shows the misclassified validation images of the checkpointed epoch, true → predicted', async () => {
    const { body } = await h.get(`/runs/${h.sample.predictedId}`);
    expect(body).toContain('<h2>Misclassified validation images (2)</h2>');
    const [catAsDog, dogAsCat] = [h.sample.predictions[1]!, h.sample.predictions[2]!];
    expect(body).toContain(`src="/runs/${h.sample.predictedId}/images/${catAsDog.sha256}"`);
    expect(body).toMatch(/cat → <strong>dog<\/strong> 0\.70/);
    expect(body).toContain(`src="/runs/${h.sample.predictedId}/images/${dogAsCat.sha256}"`);
    expect(body).not.toContain(h.sample.predictions[0]!.sha256);
  });

  it('serves an image by its content hash with its type from its bytes, and nothing by a path', async () => {
    const { sha256 } = h.sample.predictions[1]!;
    const response = await h.get(`/runs/${h.sample.predictedId}/images/${sha256}`);
    expect(response.status).toBe(200);
    expect(response.type).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'a'.repeat(64), sha256.toUpperCase()]) {
      expect((await h.get(`/runs/${h.sample.predictedId}/images/${bad}`)).status).toBe(404);
    }
    expect((await h.get(`/runs/${h.sample.runIds[0]}/images/${sha256}`)).status).toBe(404);
  });

  it('refuses an image whose file changed since the run saw it', async () => {
    const { file, sha256 } = h.sample.predictions[3]!;
    writeFileSync(file, 'not the same image');
    const response = await h.get(`/runs/${h.sample.predictedId}/images/${sha256}`);
    expect(response.status).toBe(404);
    expect(response.body).toContain('the file changed since');
  });
});
