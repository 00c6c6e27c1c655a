/**
 * Screenshots of every page over a DB written by real sweeps, for a person to look at:
 *
 *   npx nx run tracker-ui:screenshots            # or: npx tsx packages/tracker-ui/test/screenshots.ts [--out dir]
 *
 * Trains the 16-run fixture sweep with the CLI, then starts a long second sweep into the same DB and
 * photographs its live page while it trains.
 * Real sweeps of this fixture never fail, so the failed-run page is taken from the unit tests'
 * sample DB, which the real store wrote, and its file name says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openResultsReader, type ResultsReader } from '@tlab/core';
import { tinySpecText } from '@tlab/core/testing';
import type { Page } from 'playwright-core';
import { compareHref } from '../src/models/compare.ts';
import { startServer, type RunningServer } from '../src/start-server.ts';
import { hasChromium, launchChromium } from './chromium.ts';
import { makeSweepWorkspace, runSweepCli } from './fixtures/real-sweep.ts';
import { createSampleResults } from './sample-results.ts';

const liveSpec = tinySpecText({
  name: 'tiny-live',
  description: 'A long sweep, photographed while it trains.',
  head: { units: 16, dropout: 0.2 },
  train: { learning_rate: 0.002, batch_size: 2, epochs: 3000 },
  sweep: { parameters: { 'head.dropout': { values: [0.2, 0.4] } } },
});

const { values } = parseArgs({ options: { out: { type: 'string', default: '/tmp/tlab-screens' } } });
const out = path.resolve(values.out);

async function shoot(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url, { waitUntil: 'networkidle' });
  // echarts draws after load; wait for it rather than a fixed delay.
  await page.locator('.chart[data-option]:not([data-drawn="true"])').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  console.log(`${name}.png  ${url}`);
}

/** Ctrl-C as a user would; a sweep that does not stop within seconds is killed outright. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  if (!hasChromium) throw new Error('screenshots need /usr/bin/chromium');
  mkdirSync(out, { recursive: true });
  const workspace = makeSweepWorkspace();
  const sweep = await runSweepCli(workspace);
  if (sweep.code !== 0) throw new Error(`the fixture sweep failed:\n${sweep.output}`);
  const liveSpecFile = path.join(workspace.dir, 'tiny-live.yaml');
  writeFileSync(liveSpecFile, liveSpec);

  const readers: ResultsReader[] = [openResultsReader(workspace.db)];
  const servers: RunningServer[] = [];
  const browser = await launchChromium();
  const live = spawn(process.execPath, ['packages/runner/bin/tlab.js', 'sweep', '--spec', liveSpecFile, '--db', workspace.db, '--cache-dir', workspace.cacheDir], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    stdio: 'ignore',
  });
  const sample = createSampleResults();
  try {
    const reader = readers[0]!;
    const server = await startServer(reader, { port: 0 });
    servers.push(server);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    const [experiment] = reader.listExperiments().filter((e) => e.name === 'tiny-ablation');
    const id = experiment!.id;
    const runs = reader.leaderboard({ experimentId: id, finalKey: 'final_val_accuracy', bestKey: 'best_val_accuracy', groupSeeds: false, sort: 'best', descending: true, filters: [], limit: 3, offset: 0 }).rows;
    const u = (p: string): string => `${server.url}${p}`;

    await shoot(page, u(`/experiments/${id}`), '02-leaderboard-seed-groups');
    await shoot(page, u(`/experiments/${id}?group=none&sort=param:train.learning_rate&dir=desc`), '03-leaderboard-runs-by-learning-rate');
    await shoot(page, u(`/experiments/${id}?group=none&f.param:backbone.cutoff=block1&f.best=${encodeURIComponent('>=0.9')}&per=5`), '04-leaderboard-filtered-paged');
    await shoot(page, u(`/experiments/${id}/ablation`), '05-ablation');
    await shoot(page, u(`/experiments/${id}/ablation?x=train.learning_rate&y=backbone.cutoff`), '06-ablation-learning-rate-x-cutoff');
    await shoot(page, u(`/experiments/${id}/parallel`), '07-parallel-coordinates');
    await shoot(page, u(`/runs/${runs[0]!.id}`), '08-run');
    await shoot(page, u(`/compare?${runs.map((r) => `run=${r.id}`).join('&')}`), '09-compare');
    const settings = reader.leaderboard({ experimentId: id, finalKey: 'final_val_accuracy', bestKey: 'best_val_accuracy', groupSeeds: true, sort: 'best', descending: true, filters: [], limit: 3, offset: 0 }).rows;
    await shoot(page, u(compareHref(settings.map((row) => row.members.map((m) => m.id)))), '09b-compare-settings');
    await shoot(page, u('/runs/does-not-exist'), '13-not-found');
    await shoot(page, u(`/experiments/${id}?sort=nonsense`), '14-bad-request');

    // The long sweep: photograph it once a run is a few epochs in.
    const deadline = Date.now() + 120_000;
    let running: { experimentId: number; runId: string } | undefined;
    while (running === undefined && Date.now() < deadline) {
      const liveExperiment = reader.listExperiments().find((e) => e.name === 'tiny-live');
      const progress = liveExperiment && reader.progress(liveExperiment.id, 'best_val_accuracy', { recent: 5, curves: 0 });
      const run = progress?.running.find((r) => r.epochsDone >= 15);
      if (liveExperiment !== undefined && run !== undefined) running = { experimentId: liveExperiment.id, runId: run.id };
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (running === undefined) throw new Error('the live sweep never got going');
    await shoot(page, u(`/experiments/${running.experimentId}/live`), '10-live-sweep-running');
    await page.locator('body[data-refreshed]:not([data-refreshed="1"])').waitFor({ timeout: 30_000 });
    await page.locator('.chart[data-option]:not([data-drawn="true"])').first().waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(out, '11-live-sweep-redrawn.png'), fullPage: true });
    console.log('11-live-sweep-redrawn.png  (the same page after it redrew itself twice)');
    await shoot(page, u(`/runs/${running.runId}`), '12-run-while-training');
    await shoot(page, u('/'), '01-experiments');

    const sampleReader = sample.openReader();
    readers.push(sampleReader);
    const sampleServer = await startServer(sampleReader, { port: 0 });
    servers.push(sampleServer);
    await shoot(page, `${sampleServer.url}/runs/${sample.failedId}`, '15-failed-run-synthetic-db');
  } finally {
    await stop(live);
    await browser.close();
    for (const server of servers) await server.close();
    for (const reader of readers) reader.close();
    sample.cleanup();
    rmSync(workspace.dir, { recursive: true, force: true });
  }
  console.log(`screenshots in ${out}`);
}

await main();
