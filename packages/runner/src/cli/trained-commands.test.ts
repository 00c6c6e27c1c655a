import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '@tlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyExperiment, tinySpec } from '../../test/tiny-experiment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tlab.js');
let ex: ReturnType<typeof tinyExperiment>;
let runId: string;

function tlab(...args: string[]) {
  // `runs` reads only the DB, and commands refuse flags they do not read.
  const where = args[0] === 'runs' ? ['--db', ex.db] : ['--db', ex.db, '--cache-dir', ex.cacheDir];
  const result = spawnSync(process.execPath, [bin, ...args, ...where], {
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

  it('lists a FIFO among the inputs, unopened, with its code; folders without images are TLAB_NO_IMAGES', () => {
    execFileSync('mkfifo', [path.join(ex.dir, 'pipe.png')]);
    expect(tlab('predict', 'model', 'images/validation/dark/0.png', 'pipe.png')).toMatchObject({
      code: 0,
      stderr: expect.stringContaining('1 file(s) could not be read and were left out [TLAB_DATA_UNREADABLE]:\n  pipe.png: it is a FIFO (named pipe), not an image file\n'),
    });
    fs.mkdirSync(path.join(ex.dir, 'no-images'));
    // It once exited 1 with nothing on stderr.
    expect(tlab('predict', 'model', 'no-images')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no-images: no image files found (expected .jpg, .jpeg, .png, .webp files, or folders holding them) [TLAB_NO_IMAGES]'),
    });
  });

  it('refuses a checkpoint replaced by a link to /dev/zero without reading it (once read until 23.6 GB)', () => {
    const [checkpoint] = fs
      .readdirSync(path.dirname(ex.db), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.safetensors'))
      .map((file) => path.join(path.dirname(ex.db), file));
    fs.renameSync(checkpoint!, `${checkpoint}.kept`);
    fs.symlinkSync('/dev/zero', checkpoint!);
    try {
      for (const command of [['predict', runId, 'images/validation/dark/0.png'], ['export', runId, '--out', 'never']]) {
        expect(tlab(...command)).toMatchObject({ code: 1, stderr: expect.stringContaining(`artifact ${checkpoint} is damaged: it is a character device, not a file`) });
      }
      // The refused export leaves no empty --out folder behind.
      expect(fs.existsSync(path.join(ex.dir, 'never'))).toBe(false);
    } finally {
      fs.rmSync(checkpoint!);
      fs.renameSync(`${checkpoint}.kept`, checkpoint!);
    }
  });

  it('runs gc: removes nothing while every file is referenced', () => {
    expect(tlab('runs', 'gc')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Removed 0 unreferenced file\(s\) \(0 bytes\)/) });
  });
});
