import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '@tlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyExperiment, tinySpec } from '../../test/tiny-experiment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tlab.js');
let ex: ReturnType<typeof tinyExperiment>;
let runId: string;

function tlab(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args, '--db', ex.db, '--cache-dir', ex.cacheDir], {
    cwd: ex.dir,
    encoding: 'utf8',
    env: { ...process.env, TLAB_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  ex = tinyExperiment(tinySpec);
  expect(tlab('sweep', '--spec', ex.spec).code).toBe(0);
  const store = openStore(ex.db, { readonly: true });
  runId = store.runsOf(store.listExperiments()[0]!.id)[0]!.id;
  store.close();
}, 120_000);

describe('tlab export, predict, evaluate, runs gc', () => {
  it('exports a run and predicts with the export, as a table, CSV and JSON', () => {
    expect(tlab('export', runId, '--out', 'model')).toMatchObject({ code: 0, stdout: expect.stringContaining('model.json, weights.bin, metadata.json') });
    const table = tlab('predict', 'model', 'images/validation/dark/0.png', '--top', '2');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^file\s+#1\s+#2\n/);
    expect(table.stdout).toMatch(/images\/validation\/dark\/0\.png\s+(dark|bright) \d\.\d{4}\s+(dark|bright) \d\.\d{4}/);
    const csv = tlab('predict', 'model', 'images/validation', '--format', 'csv');
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(13);
    const json = JSON.parse(tlab('predict', runId, 'images/validation/dark', 'missing.png', '--format', 'json').stdout);
    expect(json).toMatchObject({ model: `run ${runId}`, labels: ['bright', 'dark'], unreadable: [{ file: 'missing.png', reason: 'no such file or folder' }] });
    expect(json.predictions).toHaveLength(6);
  });

  it('gives a coded, one-paragraph error for a folder that is not an export, an unknown run and a missing flag', () => {
    fs.mkdirSync(path.join(ex.dir, 'not-an-export'));
    expect(tlab('predict', 'not-an-export', 'images')).toMatchObject({ code: 1, stderr: expect.stringMatching(/metadata\.json.*\[TLAB_EXPORT_INVALID\]/) });
    expect(tlab('export', 'nosuchrun', '--out', 'x')).toMatchObject({ code: 1, stderr: expect.stringMatching(/no run nosuchrun.*\[TLAB_RUN_NOT_FOUND\]/) });
    expect(tlab('evaluate', runId)).toMatchObject({ code: 1, stderr: expect.stringMatching(/needs --data.*\[TLAB_USAGE\]/) });
  });

  it('evaluates on a labelled folder', () => {
    const result = tlab('evaluate', runId, '--data', 'images/validation');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/accuracy \d\.\d{4} \(\d+ of 12 images\)/);
    expect(result.stdout).toMatch(/true \\ predicted\s+bright\s+dark\s+accuracy/);
  });

  it('runs gc: removes nothing while every file is referenced', () => {
    expect(tlab('runs', 'gc')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Removed 0 unreferenced file\(s\) \(0 bytes\)/) });
  });
});
