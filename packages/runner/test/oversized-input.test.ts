import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, coreFixtures, healthy, removeTree, writeLayout, writeOversizedSpec } from './hostile-harness.ts';

/**
 * Oversized inputs are refused before they cost memory: peak RSS of the whole `tlab sweep` process
 * stays under a ceiling. Refusing a valid spec's missing data measured 200 MB here (tfjs and the
 * engines loaded); before these were bounded, the 50 MB spec's dry run took 2 GB, 200 million
 * repeats 1.6 GB, and steps_per_epoch 2^53 - 1 grew by 55 MB/s until killed.
 */
const ceilingKb = 400 * 1024;

// Reported by the child itself on exit, in KB: the most it ever held.
const reportPeakRss = 'data:text/javascript,process.on("exit",()=>process.stderr.write(`\\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}\\n`))';

// Healthy data: the old code accepted these specs, and only the bounds refuse them now.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-oversized-'));
const dataRoot = path.join(root, 'data');
beforeAll(() => writeLayout(dataRoot, healthy));
afterAll(() => removeTree(root));

interface Outcome {
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly peakRssKb: number;
}

/** `tlab sweep`, killed at the first sign of a growing process: a minute is 30 times what a refusal takes. */
function sweep(spec: string, flags: readonly string[]): Promise<Outcome> {
  const args = ['--import', reportPeakRss, bin, 'sweep', '--spec', spec, '--db', path.join(root, 'tlab.db'), '--cache-dir', path.join(root, 'cache'), '--data-root', dataRoot, ...flags];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, TLAB_BACKEND: 'wasm' }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    const err: Buffer[] = [];
    child.stderr.on('data', (data: Buffer) => err.push(data));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ exitCode, stderr, peakRssKb: Number(/PEAK_RSS_KB (\d+)/.exec(stderr)?.[1] ?? Infinity) });
    });
  });
}

describe('oversized inputs are refused within a memory ceiling', () => {
  const cases: ReadonlyArray<{ name: string; spec: () => string; flags?: readonly string[]; code: string }> = [
    { name: 'a 50 MB spec (dry run)', spec: () => writeOversizedSpec(root), flags: ['--dry-run'], code: 'TLAB_SPEC_TOO_LARGE' },
    // A device is refused before it is opened (it was once read up to the size limit).
    { name: '--spec /dev/zero (dry run)', spec: () => '/dev/zero', flags: ['--dry-run'], code: 'TLAB_SPEC_NOT_FOUND' },
    { name: 'repeats: 200000000 (dry run)', spec: () => path.join(coreFixtures, 'spec-repeats-huge.yaml'), flags: ['--dry-run'], code: 'TLAB_SPEC_INVALID' },
    { name: 'steps_per_epoch: 2^53 - 1 (training)', spec: () => path.join(coreFixtures, 'spec-steps-per-epoch-huge.yaml'), code: 'TLAB_SPEC_INVALID' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const outcome = await sweep(c.spec(), c.flags ?? []);
      expect(outcome.exitCode, outcome.stderr).toBe(1);
      expect(outcome.stderr).toContain(`[${c.code}]`);
      expect(outcome.peakRssKb).toBeLessThan(ceilingKb);
    });
  }
});
