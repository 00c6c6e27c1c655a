import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openResultsReader, openStore, type ResultsReader, type Store } from '@tlab/core';
import { startServer, type RunningServer } from '../../src/start-server.ts';
import { hasChromium, launchChromium, type Browser } from '../chromium.ts';
import { makeSweepWorkspace, runSweepCli, type SweepWorkspace } from '../fixtures/real-sweep.ts';

/**
 * The UI in a real browser over a DB that a real sweep wrote (the CLI in a child process: the UI
 * may not import the runner). Skipped only where /usr/bin/chromium is missing.
 */
/** What the tests read back from the page's echarts instances. */
interface EchartsGlobal {
  echarts: { getInstanceByDom(element: unknown): { getOption(): { series: Array<{ data: unknown[] }> } } };
}

describe.skipIf(!hasChromium)('tracker UI in Chromium over a real sweep (needs chromium)', () => {
  let workspace: SweepWorkspace | undefined;
  let reader: ResultsReader | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let id: number;
  const problems: string[] = [];

  beforeAll(async () => {
    workspace = makeSweepWorkspace();
    const sweep = await runSweepCli(workspace);
    expect(sweep.code, sweep.output).toBe(0);
    reader = openResultsReader(workspace.db);
    id = reader.listExperiments().find((e) => e.name === 'tiny-ablation')!.id;
    server = await startServer(reader, { port: 0 });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    // A CSP violation or a script error shows up here; so would an alert() sneaking through.
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()}: ${response.url()}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    reader?.close();
    if (workspace !== undefined) rmSync(workspace.dir, { recursive: true, force: true });
  }, 60_000);

  const url = (path: string): string => `${server!.url}${path}`;

  async function cellTexts(column: string): Promise<string[]> {
    const columns = await page.locator('table.leaderboard thead tr:first-child th').evaluateAll((headers) => headers.map((th) => th.getAttribute('data-column')));
    return page.locator(`table.leaderboard tbody tr > :nth-child(${columns.indexOf(column) + 1})`).allInnerTexts();
  }

  /** Waits until every chart on the page is drawn and returns, per chart, the points of each series. */
  async function drawnSeries(): Promise<number[][]> {
    const charts = page.locator('.chart[data-option]');
    await expect.poll(() => charts.count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.chart[data-option]:not([data-drawn="true"])').count()).toBe(0);
    return charts.evaluateAll((elements) =>
      elements.map((element) => (globalThis as unknown as EchartsGlobal).echarts.getInstanceByDom(element).getOption().series.map((s) => s.data.length)),
    );
  }

  it('opens the leaderboard of the sweep and sorts it by clicking headers (needs chromium)', async () => {
    await page.goto(url(`/experiments/${id}?group=none`));
    await page.waitForSelector('table.leaderboard tbody tr');
    expect(await page.locator('table.leaderboard tbody tr').count()).toBe(16);

    const best = (await cellTexts('best')).map(Number);
    expect(best).toEqual([...best].sort((a, b) => b - a));

    await page.click('th[data-column="param:head.dropout"] a');
    await page.waitForURL(/sort=param%3Ahead\.dropout&dir=asc/);
    const dropout = (await cellTexts('param:head.dropout')).map(Number);
    expect(dropout).toEqual([...dropout].sort((a, b) => a - b));
    expect(new Set(dropout)).toEqual(new Set([0, 0.5]));

    await page.click('th[data-column="param:head.dropout"] a');
    await page.waitForURL(/dir=desc/);
    expect((await cellTexts('param:head.dropout')).map(Number)[0]).toBe(0.5);

    await page.fill('input[name="f.seed"]', '2');
    await page.press('input[name="f.seed"]', 'Enter');
    await page.waitForURL(/f\.seed=2/);
    expect(new Set(await cellTexts('seed'))).toEqual(new Set(['2']));
    expect(await page.locator('table.leaderboard tbody tr').count()).toBe(8);
  });

  it('groups seeds into mean ± std rows (needs chromium)', async () => {
    await page.click('text=group seeds');
    await page.waitForSelector('th[data-column="n"]');
    const seeds = await cellTexts('n');
    expect(seeds.length).toBe(8);
    for (const text of seeds) expect(text).toMatch(/^2\/2/);
    expect((await cellTexts('best'))[0]).toMatch(/^\d\.\d{4}( ± \d\.\d{4})?$/);
  });

  it('opens a run and draws its training and validation curves (needs chromium)', async () => {
    await page.goto(url(`/experiments/${id}?group=none`));
    const runId = await page.locator('table.leaderboard tbody tr').first().getAttribute('data-run');
    await page.click(`a[href="/runs/${runId}"]`);
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    // accuracy and loss, each validation + training, six epochs per line
    expect(await drawnSeries()).toEqual([
      [6, 6],
      [6, 6],
    ]);
    const paths = await page.locator('#accuracy-chart svg path').evaluateAll((elements) => elements.filter((p) => (p.getAttribute('d') ?? '').split(/[LC]/).length >= 6).length);
    expect(paths).toBeGreaterThanOrEqual(2);
    expect(await page.locator('table.confusion tbody tr').count()).toBe(3);
    expect(await page.locator('tr.swept').count()).toBe(4);
  });

  it('keeps ticked rows across pages, and refuses a compare of fewer than two in place (needs chromium)', async () => {
    await page.goto(url(`/experiments/${id}?group=none&sort=index&dir=asc&per=5`));
    await page.evaluate('window.sessionStorage.clear()');
    await page.reload();
    const boxes = page.locator('input[type="checkbox"][name="run"]');
    const first = await boxes.nth(0).getAttribute('value');
    await boxes.nth(0).check();
    await page.click('button[form="compare"]');
    expect(await page.textContent('.compare-message')).toBe('Tick 2 to 8 rows to compare; 1 ticked.');
    expect(page.url()).toContain(`/experiments/${id}`);
    await page.goto(url(`/experiments/${id}?group=none&sort=index&dir=asc&per=5&page=2`));
    const second = await boxes.nth(0).getAttribute('value');
    await boxes.nth(0).check();
    await page.goto(url(`/experiments/${id}?group=none&sort=index&dir=asc&per=5`));
    expect(await boxes.nth(0).isChecked()).toBe(true);
    await page.click('button[form="compare"]');
    await page.waitForURL(/\/compare\?run=/);
    expect(new URL(page.url()).searchParams.getAll('run').sort()).toEqual([first, second].sort());
    await page.evaluate('window.sessionStorage.clear()');
  });

  it('compares three runs picked on the leaderboard (needs chromium)', async () => {
    await page.goto(url(`/experiments/${id}?group=none&sort=index&dir=asc`));
    const boxes = page.locator('input[type="checkbox"][name="run"]');
    for (const i of [0, 1, 2]) await boxes.nth(i).check();
    await page.click('button[form="compare"]');
    await page.waitForURL(/\/compare\?run=/);
    expect(await page.textContent('h1')).toBe('Compare 3 runs');
    expect(await drawnSeries()).toEqual([
      [6, 6, 6, 6, 6, 6],
      [6, 6, 6, 6, 6, 6],
    ]);
    // variants 0, 1, 2 differ in seed and learning rate only
    const differing = await page.locator('table.diff.differences tbody th code').allTextContents();
    expect(differing).toEqual(['seed', 'train.learning_rate']);
  });

  it('shows the ablation heatmap and the parallel coordinates (needs chromium)', async () => {
    await page.goto(url(`/experiments/${id}/ablation`));
    expect(await page.locator('section.factor').count()).toBe(3);
    expect(await page.locator('table.heatmap td.heat').count()).toBe(4);
    await page.goto(url(`/experiments/${id}/parallel`));
    expect(await drawnSeries()).toEqual([[16]]);
    expect(await page.locator('#parallel-chart canvas').count()).toBeGreaterThan(0);
  });

  it('redraws a live page as epochs land, with a hostile name shown as text (needs chromium)', async () => {
    const [template] = reader!.runsOf(id);
    const writer: Store = openStore(workspace!.db);
    try {
      const name = '<script>alert(1)</script>';
      const experimentId = writer.ensureExperiment({ name, specText: 'name: x\n', specHash: 'live' });
      writer.registerVariants(experimentId, [{ id: 'live-run', index: 0, params: { 'head.dropout': 0.3 }, config: template!.config, seed: 1 }]);
      writer.startRun('live-run', template!.environment!);
      await page.goto(url(`/experiments/${experimentId}/live`));
      expect(await page.textContent('.experiment-head h1')).toBe(name);
      expect(await page.textContent('.running-run')).toContain('loading the frozen part');
      expect(await page.locator('.live-badge').count()).toBe(1);

      // A group's first epoch computes the frozen features: its own phase, progress and ETA (defect 7).
      writer.recordProgress('live-run', { epoch: 1, phase: 'train', step: 8, steps: 32, computedImages: 256, epochSeconds: 20 });
      await page.waitForSelector('.phase[data-phase="features"]', { timeout: 20_000 });
      const phase = await page.textContent('.running-run .phase');
      expect(phase).toContain('computing the frozen features');
      expect(phase).toContain('batch 8 of 32');
      expect(phase).toContain('about 1m 00s left in the feature pass');

      writer.recordEpoch('live-run', { epoch: 1, loss: 0.9, accuracy: 0.5, valLoss: 0.95, valAccuracy: 0.45, seconds: 1 });
      writer.recordEpoch('live-run', { epoch: 2, loss: 0.7, accuracy: 0.6, valLoss: 0.8, valAccuracy: 0.55, seconds: 1 });
      await page.waitForSelector('.epochs-done:text-is("2")', { timeout: 20_000 });
      // The overlaid validation curves of the latest runs (this one), then the run's own train/val chart.
      expect(await drawnSeries()).toEqual([[2], [2, 2]]);

      writer.finishRun('live-run', { metrics: { best_val_accuracy: 0.55 }, evaluatedEpoch: 1, confusion: { classes: ['a', 'b'], matrix: [[1, 0], [0, 1]] }, predictions: [], checkpoint: null });
      await page.waitForSelector('text=No run is training right now.', { timeout: 20_000 });
      expect(Number(await page.getAttribute('body', 'data-refreshed'))).toBeGreaterThanOrEqual(2);
      // Finished: a fresh load is no longer live.
      await page.goto(url(`/experiments/${experimentId}/live`));
      expect(await page.locator('.live-badge').count()).toBe(0);
    } finally {
      writer.close();
    }
  });

  it('raised no script error, CSP violation or dialog on any page (needs chromium)', () => {
    expect(problems).toEqual([]);
  });
});
