import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileName } from '../../test/sample-results.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

describe('experiments page (/)', () => {
  it('lists every experiment with its counts by status, best metric and a link to its leaderboard', async () => {
    const { status, body } = await h.get('/');
    expect(status).toBe(200);
    expect(body).toContain(`href="/experiments/${h.sample.experimentId}"`);
    expect(body).toContain('cutoff-vs-dropout');
    expect(body).toMatch(/1 queued<\/span>.*1 running<\/span>.*9 done<\/span>.*1 failed<\/span>/s);
    expect(body).toContain('>0.8500</a>');
    expect(body).toContain('best_val_accuracy');
  });

  it('shows names and descriptions as text, never as markup', async () => {
    const { body } = await h.get('/');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(hostileName);
    expect(body).toContain('Does &lt;b&gt;dropout&lt;/b&gt; help');
  });
});
