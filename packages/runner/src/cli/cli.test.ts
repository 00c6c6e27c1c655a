import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tinySpecText } from '@tlab/core/testing';
import { tinyExperiment, tinySpec, tinySweep } from '../../test/tiny-experiment.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tlab.js');

function tlab(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TLAB_BACKEND: 'wasm' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tlab command', () => {
  it('prints usage for --help and refuses unknown commands with TLAB_USAGE', () => {
    const { dir } = tinyExperiment(tinySpec);
    expect(tlab(['--help'], dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('tlab sweep [options]') });
    const unknown = tlab(['train'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/error: unknown command 'train'[\s\S]*\[TLAB_USAGE\]/);
  });

  it('says in one coded line, without a stack, that an install cannot load its modules', () => {
    // The entry points beside a node_modules but without tlab's sources: a partial install.
    const { dir } = tinyExperiment(tinySpec);
    mkdirSync(path.join(dir, 'install/bin'), { recursive: true });
    for (const file of readdirSync(path.dirname(bin))) copyFileSync(path.join(path.dirname(bin), file), path.join(dir, 'install/bin', file));
    symlinkSync(path.resolve(import.meta.dirname, '../../../../node_modules'), path.join(dir, 'install/node_modules'));
    const result = spawnSync(process.execPath, [path.join(dir, 'install/bin/tlab.js'), '--help'], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: tlab cannot load its modules \(Cannot find module .*main\.ts.*\); run npm install again .*\[TLAB_INSTALL_BROKEN\]\n$/);
  });

  it('with --verbose, a failure\'s stack points at the TypeScript line that raised it', () => {
    // Source maps are read only when a stack can be printed (bin/register-typescript.js): without
    // them, the line would be the one of tsx's compiled output.
    const { dir } = tinyExperiment(tinySpec);
    const result = tlab(['sweep', '--spec', path.join(dir, 'missing.yaml'), '--verbose'], dir);
    expect(result.code).toBe(1);
    const [, file, line] = /at loadSpec \((.*load-spec\.ts):(\d+):\d+\)/.exec(result.stderr) ?? [];
    expect(file, result.stderr).toBeDefined();
    expect(readFileSync(file!, 'utf8').split('\n')[Number(line) - 1]).toMatch(/throw refuse\(/);
    // Without it, the same failure is one coded line.
    expect(tlab(['sweep', '--spec', path.join(dir, 'missing.yaml')], dir).stderr).toMatch(/^error:\n.*\[TLAB_SPEC_NOT_FOUND\]\n$/);
  });

  it('tlab worker refuses a --cache-dir that is a file and a missing --artifacts-dir before it connects', () => {
    const { dir } = tinyExperiment(tinySpec);
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    // Nothing listens on port 1: a check that came after connecting would hang or fail differently.
    const cache = tlab(['worker', '--queue', 'redis://127.0.0.1:1', '--cache-dir', file], dir);
    expect(cache.code).toBe(1);
    expect(cache.stderr).toMatch(/^error: --cache-dir .*a-file cannot hold the cache: .*\[TLAB_FOLDER_UNUSABLE\]\n$/);
    const artifacts = tlab(['worker', '--queue', 'redis://127.0.0.1:1', '--cache-dir', path.join(dir, 'cache'), '--artifacts-dir', path.join(dir, 'not-mounted')], dir);
    expect(artifacts.code).toBe(1);
    expect(artifacts.stderr).toMatch(/^error: --artifacts-dir .*not-mounted cannot hold checkpoints for the coordinator: it does not exist .*\[TLAB_FOLDER_UNUSABLE\]\n$/);
  });

  it('reports every mistake of a spec at once, with line numbers, and writes no database', () => {
    const ex = tinyExperiment(tinySpec);
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

  it('lists the grid on --dry-run and applies --set overrides', () => {
    const ex = tinyExperiment(tinySpec);
    const result = tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--dry-run', '--set', 'sweep.method=grid', '--set', 'seed=5'], ex.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Experiment tiny: 2 variants');
    expect(result.stdout).toMatch(/head\.dropout=0\.5/);
    const bad = tlab(['sweep', '--spec', ex.spec, '--dry-run', '--set', 'train.epochs=zero'], ex.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--set train.epochs=zero');
  });

  it('caps a grid at sweep.run_cap as W&B does, naming the settings left out', () => {
    const ex = tinyExperiment(tinySpecText({ sweep: { run_cap: 2, parameters: { 'head.dropout': { values: [0.0, 0.2, 0.5] } } } }));
    const result = tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--dry-run'], ex.dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('sweep.run_cap 2: running the first 2 settings as listed; left out 1: head.dropout=0.5');
    expect(result.stdout).toContain('Experiment tiny: 2 variants');
  });

  it('names both engines, and ends a sweep with the best settings and the command that opens the UI', () => {
    const ex = tinyExperiment(tinySpecText({ sweep: { parameters: { 'head.dropout': { values: [0.0, 0.5] }, seed: { values: [1, 2] } } } }));
    const { code, stdout } = tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Engine: heads on tfjs [\d.]+ \(wasm backend, 1 thread\(s\)\); frozen part on ONNX Runtime, \d+ thread\(s\)$/m);
    const closing = stdout.slice(stdout.indexOf('Sweep finished'));
    expect(closing).toMatch(/Best 2 of 2 setting\(s\) by best_val_accuracy \(maximize\):/);
    expect(closing).toMatch(/\d\.\d{4} ± \d\.\d{4} \(95% CI, n=2\)\s+head\.dropout=0(\.5)?\n/);
    expect(closing).toContain(`npx nx run tracker-ui:serve --db ${ex.db}`);
  });

  it('doctor measures the engines and reports a run left running by a dead sweep', () => {
    const ex = tinyExperiment(tinySpec);
    expect(tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir).code).toBe(0);
    const healthy = tlab(['doctor', '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir);
    expect(healthy.stdout).toMatch(/✓ frozen engine onnx \(\d+ thread\(s\)\): InceptionV3→mixed7 at 150×150, [\d.]+ images\/s/);
    expect(healthy.stdout).toContain('no stale leases');
    expect(healthy.code).toBe(0);

    const db = new Database(ex.db);
    db.prepare(`UPDATE runs SET status = 'running', lease_owner = 'elsewhere:1:dead', lease_expires_at = 1 WHERE variant_index = 0`).run();
    db.close();
    const sick = tlab(['doctor', '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir);
    expect(sick.code).toBe(1);
    expect(sick.stdout).toMatch(/✗ 1 run\(s\) left running by a dead or hung sweep[\s\S]*→ run the sweep again/);

    // Folders given by hand that are not folders fail the check (all passed before).
    const misdirected = tlab(['doctor', '--db', ex.db, '--cache-dir', ex.cacheDir, '--data-root', 'no-such-root', '--weights-dir', ex.spec], ex.dir);
    expect(misdirected.code).toBe(1);
    expect(misdirected.stdout).toContain('✗ data root (--data-root, TLAB_DATA_ROOT) no-such-root does not exist');
    expect(misdirected.stdout).toContain(`✗ weights folder (--weights-dir, TLAB_WEIGHTS_DIR) ${ex.spec} is a file`);
    expect(misdirected.stderr).toBe('');
  });

  it('cache stats counts cached features and clear empties them', () => {
    const ex = tinyExperiment(tinySpec);
    tlab(['sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], ex.dir);
    const entries = (text: string) => Number(/: (\d+) entries/.exec(text)?.[1]);
    // Features are keyed by image content: the fixture's 12 validation images repeat its 12 training images.
    expect(entries(tlab(['cache', 'stats', '--cache-dir', ex.cacheDir], ex.dir).stdout)).toBe(12);
    expect(entries(tlab(['cache', 'clear', '--cache-dir', ex.cacheDir], ex.dir).stdout)).toBe(0);
  });

  // SIGTERM is what docker stop, systemd and Kubernetes send: it stops a sweep as Ctrl-C does.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('on %s marks the current run interrupted, commits and exits %i', async (signal, exitCode) => {
    const ex = tinyExperiment(tinySpecText({ train: { epochs: 400 }, sweep: tinySweep }));
    const child = spawn(process.execPath, [bin, 'sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], {
      cwd: ex.dir,
      env: { ...process.env, TLAB_BACKEND: 'wasm' },
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until epochs run from cached features, where nothing else would yield to the event loop.
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/epoch 3\//.test(output)) resolve();
      }),
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.kill(signal);
    expect(await exited).toBe(exitCode);
    const db = new Database(ex.db, { readonly: true });
    const runs = db.prepare('SELECT id, status FROM runs ORDER BY variant_index').all() as Array<{ id: string; status: string }>;
    expect(runs.map((run) => run.status)).toEqual(['interrupted', 'queued']);
    db.close();
    expect(stderr).toContain(`Interrupted: run(s) ${runs[0]!.id} marked interrupted; they resume on the next sweep.`);
  });

  it('on SIGTERM while only waiting for another sweep\'s run, says it marked none and leaves that run to its owner', async () => {
    const ex = tinyExperiment(tinySpecText({ train: { epochs: 400 } }));
    const start = () => spawn(process.execPath, [bin, 'sweep', '--spec', ex.spec, '--db', ex.db, '--cache-dir', ex.cacheDir], { cwd: ex.dir, env: { ...process.env, TLAB_BACKEND: 'wasm' } });
    const waitFor = (stream: NodeJS.ReadableStream, pattern: RegExp) => {
      let text = '';
      return new Promise<string>((resolve) => stream.on('data', (chunk: Buffer) => ((text += chunk.toString()), pattern.test(text) && resolve(text))));
    };
    const owner = start();
    try {
      await waitFor(owner.stdout, /epoch 2\//);
      const waiter = start();
      const exited = once(waiter, 'exit');
      const stderr = waitFor(waiter.stderr, /marked/);
      await waitFor(waiter.stdout, /Waiting for 1 run\(s\) that other sweep processes are training/);
      waiter.kill('SIGTERM');
      expect((await exited)[0]).toBe(143);
      expect(await stderr).toContain('Interrupted: no run of this process was training, so none was marked.');
      const db = new Database(ex.db, { readonly: true });
      expect(db.prepare('SELECT status FROM runs').pluck().all()).toEqual(['running']);
      db.close();
    } finally {
      owner.kill('SIGKILL');
    }
  });
});
