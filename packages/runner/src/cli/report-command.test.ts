import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tinySpecText, type TinyWorkspace } from '@tlab/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyExperiment } from '../../test/tiny-experiment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tlab.js');
let ex: TinyWorkspace;

function tlab(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: ex.dir, encoding: 'utf8', env: { ...process.env, TLAB_BACKEND: 'wasm' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // The spec's dropout (0.1) among the levels, over two seeds: a level with a paired effect and an interval.
  ex = tinyExperiment(tinySpecText({ sweep: { parameters: { 'head.dropout': { values: [0.1, 0.5] }, seed: { values: [1, 2] } } } }));
  expect(tlab('sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir).code).toBe(0);
}, 120_000);

describe('tlab report', () => {
  it('writes README.md with the leaderboard and the effects, and the forest plot and curves as SVG', () => {
    const result = tlab('report', 'tiny', '--db', ex.db, '--out', 'report');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const dir = path.join(ex.dir, 'report');
    expect(result.stdout).toBe(`Wrote the report of tiny (id 1) to ${dir}: README.md, forest.svg, curves.svg\n`);
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/^# tiny\n/);
    expect(readme).toMatch(/^\| \d \| 0\.(1|5) \| 2\/2 \| \d\.\d{4} ± \d\.\d{4} \| \d\.\d{4} ± \d\.\d{4} \| 2 \|$/m);
    expect(readme).toMatch(/^\| (head\.dropout)? \| 0\.5 \| \d\.\d{4} ± \d\.\d{4} \(n=2\) \| [−+±]\d\.\d{4} \| [−+±]\d\.\d{4} … [−+±]\d\.\d{4} \| 2 \| [\d.e-]+ \| (better|worse|no evidence) \|$/m);
    expect(readme).toContain('![Forest plot');
    for (const name of ['forest.svg', 'curves.svg']) expect(readFileSync(path.join(dir, name), 'utf8')).toMatch(/^<svg [\s\S]*<\/svg>$/);
  });

  it('takes the id too, and writes to tlab-report-<name> in the working directory by default', () => {
    expect(tlab('report', '1', '--db', ex.db).code).toBe(0);
    expect(existsSync(path.join(ex.dir, 'tlab-report-tiny', 'README.md'))).toBe(true);
  });

  it('exits 1 with TLAB_EXPERIMENT_NOT_FOUND for an experiment the DB does not hold, and TLAB_USAGE without one', () => {
    expect(tlab('report', 'tiyn', '--db', ex.db)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no experiment with the id or name "tiyn"; did you mean "tiny"\? \(it holds "tiny" \(id 1\)\) \[TLAB_EXPERIMENT_NOT_FOUND\]/),
    });
    expect(tlab('report', '--db', ex.db)).toMatchObject({ code: 1, stderr: expect.stringMatching(/tlab report needs an experiment name or id.*\[TLAB_USAGE\]/) });
  });

  it('shows the name of an experiment stored before names were checked with its control characters escaped', () => {
    const old = path.join(ex.dir, 'old.db');
    copyFileSync(ex.db, old);
    const db = new Database(old);
    db.prepare('UPDATE experiments SET name = ? WHERE id = 1').run('tiny\x1b]0;owned\x07\x1b[2J');
    db.close();
    const result = tlab('report', '1', '--db', old, '--out', 'old-report');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Wrote the report of tiny\\x1b]0;owned\\x07\\x1b[2J (id 1)');
    expect(result.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});
