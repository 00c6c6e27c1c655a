import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyExperiment, tinySpec } from '../../test/tiny-experiment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tlab.js');

function tlab(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TLAB_BACKEND: 'wasm' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tlab command', () => {
  it('prints usage for --help and refuses unknown commands with TLAB_USAGE', async () => {
    const { dir } = await tinyExperiment(tinySpec);
    expect(tlab(['--help'], dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: tlab sweep') });
    const unknown = tlab(['train'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/error: unknown command 'train'[\s\S]*\[TLAB_USAGE\]/);
  });

  it('reports every mistake of a spec at once, with line numbers, and writes no database', async () => {
    const ex = await tinyExperiment(tinySpec);
    writeFileSync(
      ex.spec,
      ['name: broken', 'data: { train: images/train, validation: images/validation, image_size: 16 }', 'head:', '  dropout: 1.5', 'train:', '  epochs: -2', 'augmnt: none', ''].join('\n'),
    );
    const result = tlab(['sweep', '--spec', ex.spec, '--db', ex.db], ex.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tiny\.yaml:4:\d+ head\.dropout: .*1\.5/);
    expect(result.stderr).toMatch(/tiny\.yaml:6:\d+ train\.epochs: .*-2/);
    expect(result.stderr).toMatch(/tiny\.yaml:7:\d+ augmnt: .*did you mean .augment/);
    expect(existsSync(ex.db)).toBe(false);
  });

  it('lists the grid on --dry-run and applies --set overrides', async () => {
    const ex = await tinyExperiment(tinySpec);
    const result = tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--dry-run', '--set', 'sweep.method=grid', '--set', 'seed=5'], ex.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Experiment tiny: 2 variants');
    expect(result.stdout).toMatch(/head\.dropout=0\.5/);
    const bad = tlab(['sweep', '--spec', ex.spec, '--dry-run', '--set', 'train.epochs=zero'], ex.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--set train.epochs=zero');
  });
});
