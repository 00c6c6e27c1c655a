import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSweep, loadSpec, openStore } from '@tlab/core';
import { resolveDataset } from '@tlab/trainer';
import { cases, type CountedSkip, type FailedRun, type HostileCase, type Refusal } from './fixtures/bad/cases.ts';
import {
  bombSide,
  coreFixtures,
  dataCaseSpec,
  dbState,
  decompressionBomb,
  healthy,
  limitConcurrency,
  makeFifo,
  prepareDb,
  removeTree,
  runCli,
  runInProcess,
  writeLayout,
  writeOversizedSpec,
  type CliResult,
  type InProcessResult,
} from './hostile-harness.ts';

/**
 * Every hostile input in fixtures/bad must be refused with its stable code and a message that
 * names the file or field and what was expected, leaving the results DB as it was; or, for
 * unreadable images, be skipped, counted on the run and listed.
 */

// Two cores: two sweeps at a time keep both busy without one starving the other.
const slot = limitConcurrency(2);

let root: string;
let healthyRoot: string;
let snapshot: Buffer;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-hostile-'));
  healthyRoot = path.join(root, 'healthy');
  await writeLayout(healthyRoot, healthy);
  // A real results DB to prove every refusal leaves alone, written by the sweep the data cases break.
  const db = path.join(root, 'snapshot.db');
  const result = await runCli(['--spec', dataCaseSpec, '--db', db, '--cache-dir', path.join(root, 'cache'), '--data-root', healthyRoot], root);
  expect(result, result.stderr).toMatchObject({ exitCode: 0 });
  expect(dbState(db)).toMatchObject({ walBytes: 0, journal: false });
  snapshot = fs.readFileSync(db);
});

afterAll(() => {
  if (root !== undefined) removeTree(root);
});

interface Prepared {
  readonly argv: string[];
  readonly caseDir: string;
  readonly db: string;
  readonly dataRoot: string;
}

async function prepare(c: HostileCase): Promise<Prepared> {
  const caseDir = fs.mkdtempSync(path.join(root, `${c.name}-`));
  const dataRoot = c.data === undefined ? healthyRoot : path.join(caseDir, c.data === 'missing' ? 'no-such-data-root' : 'data');
  if (c.data !== undefined && c.data !== 'missing') await writeLayout(dataRoot, c.data);
  const spec =
    c.spec === undefined
      ? dataCaseSpec
      : c.spec === 'missing'
        ? path.join(caseDir, 'no-such-spec.yaml')
        : c.spec === 'a-folder'
          ? caseDir
          : c.spec === 'oversized'
            ? writeOversizedSpec(caseDir)
            : c.spec === 'a-fifo'
              ? fifoIn(caseDir)
              : path.join(coreFixtures, c.spec.fixture);
  const db = prepareDb(c.db ?? 'snapshot', caseDir, snapshot);
  const argv = ['--spec', spec, '--db', db, '--cache-dir', path.join(caseDir, 'cache'), '--data-root', dataRoot, ...(c.args ?? [])];
  return { argv, caseDir, db, dataRoot };
}

function fifoIn(caseDir: string): string {
  const file = path.join(caseDir, 'spec.yaml');
  makeFifo(file);
  return file;
}

function run(c: HostileCase, prepared: Prepared): Promise<CliResult | InProcessResult> {
  return slot<CliResult | InProcessResult>(() =>
    c.via === 'cli' ? runCli(prepared.argv, prepared.caseDir, { ...(c.env ? { env: c.env } : {}), ...(c.fileSizeLimitBlocks ? { fileSizeLimitBlocks: c.fileSizeLimitBlocks } : {}) }) : runInProcess(prepared.argv),
  );
}

const refusals = cases.filter((c): c is HostileCase & { expect: Refusal } => 'code' in c.expect);
const skips = cases.filter((c): c is HostileCase & { expect: CountedSkip } => 'skipped' in c.expect);
const failedRuns = cases.filter((c): c is HostileCase & { expect: FailedRun } => 'failedWith' in c.expect);

describe('hostile input corpus', () => {
  it('has at least 30 distinct cases, each spec fixture used and present', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const used = cases.flatMap((c) => (typeof c.spec === 'object' ? [c.spec.fixture] : []));
    const present = fs.readdirSync(coreFixtures).filter((name) => name.endsWith('.yaml'));
    expect(used.toSorted()).toEqual(present.toSorted());
  });

  it('generates a real 20000×20000 PNG of a few dozen KB for the decompression bomb', async () => {
    const bomb = decompressionBomb();
    expect(bomb.length).toBeLessThan(64 * 1024);
    // Reading the header only: the pixel limit applies to decoding, which is what the sweep refuses.
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ format: 'png', width: bombSide, height: bombSide });
  });

  describe.concurrent('refused with a stable code, the DB left as it was', () => {
    for (const c of refusals) {
      it(`${c.name} → ${c.expect.code} (${c.via})`, async ({ expect }) => {
        const prepared = await prepare(c);
        const before = dbState(prepared.db);
        const result = await run(c, prepared);

        if (result.via === 'cli') {
          expect(result.exitCode, result.stderr).toBe(1);
          expect(result.stderr).toContain(`[${c.expect.code}]`);
          expect(result.stderr).toMatch(c.expect.message);
          // A crash would also exit 1; a stack trace is how it shows.
          expect(result.stderr).not.toMatch(/^\s+at /m);
          // Names, paths and values echoed back are shown escaped: nothing reaches the terminal as a command.
          expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        } else {
          expect(result.error).toMatchObject({ code: c.expect.code });
          expect((result.error as Error).message).toMatch(c.expect.message);
        }
        expect(dbState(prepared.db)).toEqual(before);
      });
    }
  });

  describe.concurrent('unreadable images are skipped, counted on the run and listed', () => {
    const { config } = expandSweep(loadSpec(dataCaseSpec)).variants[0]!;

    for (const c of skips) {
      it(`${c.name} → ${c.expect.skipped} skipped (${c.via})`, async ({ expect }) => {
        const prepared = await prepare(c);
        const result = await run(c, prepared);

        if (result.via === 'cli') {
          expect(result.exitCode, result.stderr).toBe(0);
          // The person running the sweep is told which files were left out, and why.
          expect(result.stdout).toContain(`Skipping ${c.expect.skipped} unreadable image file(s):`);
          for (const pattern of c.expect.listed) expect(result.stdout).toMatch(pattern);
        } else {
          expect(result.error).toBeUndefined();
        }
        const store = openStore(prepared.db, { readonly: true });
        try {
          const runs = store.listExperiments().flatMap((experiment) => store.runsOf(experiment.id));
          expect(runs.map((r) => ({ status: r.status, skippedFiles: r.environment?.skippedFiles }))).toEqual([{ status: 'done', skippedFiles: c.expect.skipped }]);
        } finally {
          store.close();
        }

        // The sweep resolves the dataset just like this, so this is the list it counted.
        const dataset = await resolveDataset(config.data, { seed: config.seed, specDir: path.dirname(dataCaseSpec), dataRoot: prepared.dataRoot, cacheDir: path.join(prepared.caseDir, 'cache') });
        const listed = dataset.skipped.map((file) => `${file.path}: ${file.reason}`);
        expect(listed).toHaveLength(c.expect.skipped);
        for (const pattern of c.expect.listed) expect(listed.filter((line) => pattern.test(line)), `${pattern} in ${listed.join('\n')}`).toHaveLength(1);
      });
    }
  });

  describe.concurrent('a variant that fails while training fails with a stable code; the sweep goes on and exits 1', () => {
    for (const c of failedRuns) {
      it(`${c.name} → ${c.expect.failedWith} (${c.via})`, async ({ expect }) => {
        const prepared = await prepare(c);
        const result = await run(c, prepared);

        if (result.via === 'cli') {
          expect(result.exitCode, result.stderr).toBe(1);
          expect(result.stderr).not.toMatch(/^\s+at /m);
        } else {
          expect(result.error).toBeUndefined();
        }
        const store = openStore(prepared.db, { readonly: true });
        try {
          const runs = store.listExperiments().flatMap((experiment) => store.runsOf(experiment.id));
          expect(runs.length).toBeGreaterThan(0);
          for (const failed of runs) {
            expect(failed).toMatchObject({ status: 'failed', lease: null });
            expect(failed.error).toMatch(c.expect.message);
            expect(failed.error).toMatch(new RegExp(`\\[${c.expect.failedWith}\\]$`));
          }
        } finally {
          store.close();
        }
      });
    }
  });
});
