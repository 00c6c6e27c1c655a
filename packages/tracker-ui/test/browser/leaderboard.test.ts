import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ResultsReader } from '@tlab/core';
import { startServer, type RunningServer } from '../../src/start-server.ts';
import { hasChromium, launchChromium, type Browser } from '../chromium.ts';
import { createSampleResults, type SampleResults } from '../sample-results.ts';

/**
 * The leaderboard's column chooser, rows per page, id and text filters and clear-filters link,
 * driven in Chromium over the sample DB (12 runs of cutoff × dropout × seed: 9 done, one failed,
 * one running, one queued). Skipped only where /usr/bin/chromium is missing.
 */
describe.skipIf(!hasChromium)('leaderboard controls in Chromium (needs chromium)', () => {
  let page: Page;
  const problems: string[] = [];
  // What the hooks open and close.
  let sample: SampleResults | undefined;
  let reader: ResultsReader | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    sample = createSampleResults();
    reader = sample.openReader();
    server = await startServer(reader, { port: 0 });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    // Chromium logs a CSP violation and a failed load as console errors.
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    reader?.close();
    sample?.cleanup();
  }, 60_000);

  const rows = (): Promise<string[]> => page.locator('table.leaderboard tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run') ?? ''));
  const query = (): URLSearchParams => new URL(page.url()).searchParams;

  async function cellTexts(column: string): Promise<string[]> {
    const columns = await page.locator('table.leaderboard thead tr:first-child th').evaluateAll((headers) => headers.map((th) => th.getAttribute('data-column')));
    expect(columns).toContain(column);
    return page.locator(`table.leaderboard tbody tr > :nth-child(${columns.indexOf(column) + 1})`).allInnerTexts();
  }

  it('adds a stored metric as a column from the chooser, keeping the sort and paging (needs chromium)', async () => {
    await page.goto(`${server!.url}/experiments/${sample!.experimentId}?group=none&sort=index&dir=asc&per=5&page=2`);
    expect(await rows()).toEqual(sample!.runIds.slice(5, 10));
    expect(await page.locator('th[data-column="metric:wall_seconds"]').count()).toBe(0);

    await page.click('details.column-chooser summary');
    await page.check('input[name="cols"][value="metric:wall_seconds"]');
    await page.click('details.column-chooser button[type="submit"]');
    await page.waitForURL(/cols=metric%3Awall_seconds/);
    expect(query().get('sort')).toBe('index');
    expect(query().get('per')).toBe('5');
    // Runs 1–5 stored wall_seconds 4.5 + their index.
    expect(await cellTexts('metric:wall_seconds')).toEqual(['4.5', '5.5', '6.5', '7.5', '8.5']);
    // Four significant digits in the cell, the stored value in its tooltip.
    const final = page.locator('table.leaderboard tbody tr').first().locator('td.metric span').first();
    expect(await final.innerText()).toBe('0.6500');
    expect(await final.getAttribute('title')).toBe('0.6499999999999999');
  });

  it('changes the rows per page with the selector (needs chromium)', async () => {
    expect(await page.textContent('.pager')).toContain('rows 1–5 of 12 · page 1 of 3');
    await page.selectOption('select[name="per"]', '25');
    await page.waitForURL(/per=25/);
    expect(await rows()).toEqual(sample!.runIds);
    expect(await page.textContent('.pager')).toContain('rows 1–12 of 12 · page 1 of 1');
    expect(query().get('cols')).toBe('metric:wall_seconds');
    expect(query().get('sort')).toBe('index');
  });

  it('filters by the start of a run id, in any case, and clears the filters (needs chromium)', async () => {
    const prefix = sample!.runIds[3]!.slice(0, 4);
    await page.fill('input[name="f.id"]', prefix.toUpperCase());
    await page.press('input[name="f.id"]', 'Enter');
    await page.waitForURL(/f\.id=/);
    const matching = sample!.runIds.filter((id) => id.startsWith(prefix));
    expect(await rows()).toEqual(matching);
    expect(await page.textContent('.toolbar')).toContain(`${matching.length} runs match the filters`);

    await page.click('a.clear-filters');
    await page.waitForURL((url) => !url.search.includes('f.id'));
    expect(await rows()).toEqual(sample!.runIds);
    expect([query().get('cols'), query().get('per'), query().get('sort'), query().get('group')]).toEqual(['metric:wall_seconds', '25', 'index', 'none']);
    expect(await page.inputValue('input[name="f.id"]')).toBe('');
  });

  it('filters by status typed in upper case, then clears it (needs chromium)', async () => {
    await page.fill('input[name="f.status"]', 'DONE');
    await page.press('input[name="f.status"]', 'Enter');
    await page.waitForURL(/f\.status=DONE/);
    expect(await rows()).toHaveLength(9);
    expect(new Set(await cellTexts('status'))).toEqual(new Set(['done']));

    await page.click('a.clear-filters');
    await page.waitForURL((url) => !url.search.includes('f.status'));
    expect(await rows()).toHaveLength(12);
    expect(await page.locator('a.clear-filters').count()).toBe(0);
    // over every step of this file: no script error, CSP violation or failed load
    expect(problems).toEqual([]);
  });
});
