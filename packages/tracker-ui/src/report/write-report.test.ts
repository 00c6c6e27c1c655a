import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isTlabError } from '@tlab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentContexts } from '../experiment-context.ts';
import { loadEffects } from '../models/effects.ts';
import { noPairedEffects } from '../views/effects-table.ts';
import { formatP, formatSigned, formatSignedInterval } from '../views/format.ts';
import { addFinishedExperiment, createSampleResults, hostileCutoff, type SampleResults } from '../../test/sample-results.ts';
import { writeReport } from './write-report.ts';

/** A level with a pipe in it, over three seeds: every table cell it reaches must escape it. */
const pipeSpec = `name: "pipes | in names"
data: { builtin: { name: mnist } }
backbone: { name: tiny_cnn, cutoff: block2 }
train: { epochs: 1 }
sweep:
  parameters:
    backbone.cutoff: { values: ["a|b", block2] }
    seed: { values: [1, 2, 3] }
`;

let sample: SampleResults;
let pipeExperimentId: number;
beforeAll(() => {
  sample = createSampleResults();
  // Δ of a|b against block2 per seed: −0.04, −0.06, −0.045.
  const offsets = [0.01, -0.01, 0.005];
  pipeExperimentId = addFinishedExperiment(sample.writer, pipeSpec, (p) => (p['backbone.cutoff'] === 'a|b' ? 0.75 + offsets[(p['seed'] as number) - 1]! : 0.8));
});
afterAll(() => sample.cleanup());

const outDir = () => mkdtempSync(path.join(os.tmpdir(), 'tlab-report-test-'));
const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');

/** The effects table's row of one compared level, as loadEffects computed it. */
function effectsRows(experimentId: number): string[] {
  const reader = sample.openReader();
  try {
    const effects = loadEffects(reader, createExperimentContexts(reader).load(experimentId), { test: 'paired-t', alpha: 0.05 });
    return effects.factors.flatMap((factor) =>
      factor.levels.flatMap(({ comparison: c }) =>
        c === null ? [] : [`| ${formatSigned(c.meanDifference)} | ${formatSignedInterval(c.confidenceInterval)} | ${c.pairs} | ${formatP(c.pAdjusted)} | ${c.verdict} |`],
      ),
    );
  } finally {
    reader.close();
  }
}

describe('writeReport', () => {
  it('writes the leaderboard, the effects as loadEffects computes them, a forest plot and the validation curves', () => {
    const dir = outDir();
    const report = writeReport({ db: sample.file, experiment: 'cutoff-vs-dropout', out: dir });
    expect(report).toMatchObject({ experiment: { id: sample.experimentId, name: 'cutoff-vs-dropout' }, dir });
    expect(report.files.map((file) => path.relative(dir, file))).toEqual(['README.md', 'forest.svg', 'curves.svg']);

    const readme = read(dir, 'README.md');
    expect(readme).toMatch(/^# cutoff-vs-dropout\n\nDoes \\<b\\>dropout\\<\/b\\> help a deep cutoff\?\n/);
    const rows = effectsRows(sample.experimentId);
    expect(rows).toHaveLength(3);
    const expected = [
      '- **Runs:** 12 (1 queued, 1 running, 9 done, 1 failed)',
      `- **Results DB:** ${sample.file} (experiment id ${sample.experimentId})`,
      // Seed groups, best first, mean ± std: block2 at dropout 0.2 lost its seed 2 to a failure, the rest have both.
      'All 5 settings with a value of best_val_accuracy',
      '| \\# | backbone.cutoff | head.dropout | seeds | final val\\_accuracy | best val\\_accuracy | epochs |',
      '| 9 | block2 | 0.2 | 1/2 | 0.8000 | 0.8500 | 3 |',
      '| 7 | block2 | 0 | 2/2 | 0.7400 ± 0.0141 | 0.7900 ± 0.0141 | 3 |',
      '| 5 | block1 | 0.5 | 2/2 | 0.5900 ± 0.0141 | 0.6400 ± 0.0141 | 3 |',
      '| factor | level | mean ± 95% CI (n) | Δ vs base | 95% CI of Δ | pairs | p (Holm) | verdict |',
      ...rows,
      '| backbone.cutoff | block1 | 0.7400 ± 0.1271 (n=2) | −0.1000 |',
      '|  | 0.2 (base) | 0.8500 (n=1) |',
      'paired t-test, Holm-adjusted over all 3 tested comparisons',
      'α = 0.05',
      '![Forest plot: each level’s paired Δ against the base with its 95% CI](forest.svg)',
      '![Validation metric per epoch of the leading settings](curves.svg)',
    ];
    for (const text of expected) expect(readme).toContain(text);

    const forest = read(dir, 'forest.svg');
    expect(forest).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
    for (const label of ['backbone.cutoff = block1', 'head.dropout = 0', 'head.dropout = 0.5']) expect(forest).toContain(`>${label}</text>`);
    const curves = read(dir, 'curves.svg');
    expect(curves).toMatch(/^<svg [\s\S]*<\/svg>$/);
    expect(curves).toContain('val_accuracy per epoch, mean over seeds');
    for (const label of ['backbone.cutoff=block2, head.dropout=0.2', 'backbone.cutoff=block1, head.dropout=0.5']) expect(curves).toContain(`>${label}</text>`);
  });

  it('escapes | in every cell and the title, and draws the level with its interval', () => {
    const dir = outDir();
    writeReport({ db: sample.file, experiment: String(pipeExperimentId), out: dir });
    const readme = read(dir, 'README.md');
    expect(readme).toMatch(/^# pipes \\\| in names\n/);
    // a|b over seeds 1–3: 0.76, 0.74, 0.755, the base 0.8 each.
    expect(readme).toMatch(/^\| \d \| a\\\|b \| 3\/3 \| 0\.7517 ± 0\.0104 \| 0\.7517 ± 0\.0104 \| 1 \|$/m);
    const [row] = effectsRows(pipeExperimentId);
    expect(row).toMatch(/^\| −0\.0483 \| −0\.0742 … −0\.0225 \| 3 \| [\d.e-]+ \| worse \|$/);
    expect(readme).toContain(`| backbone.cutoff | a\\|b | 0.7517 ± 0.0259 (n=3) ${row}`);
    expect(readme).toContain('Holm-adjusted over the one tested comparison of the experiment');
    // Every line of a table splits into as many cells as its header once the escaped pipes are set aside.
    const tables = readme.split('\n\n').filter((block) => block.startsWith('|'));
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      const cells = table.split('\n').map((line) => line.replace(/\\\|/g, '').split('|').length);
      expect(new Set(cells).size).toBe(1);
    }
    expect(read(dir, 'forest.svg')).toContain('>backbone.cutoff = a|b</text>');
  });

  it('says so in a sentence when nothing can be paired, draws no forest plot, and removes one left from before', () => {
    const dir = outDir();
    writeReport({ db: sample.file, experiment: 'cutoff-vs-dropout', out: dir });
    expect(existsSync(path.join(dir, 'forest.svg'))).toBe(true);
    const report = writeReport({ db: sample.file, experiment: String(sample.hostileExperimentId), out: dir });
    expect(report.files.map((file) => path.basename(file))).toEqual(['README.md', 'curves.svg']);
    expect(existsSync(path.join(dir, 'forest.svg'))).toBe(false);
    const readme = read(dir, 'README.md');
    expect(readme).toContain(`## Effects against the base\n\n${noPairedEffects}\n`);
    expect(readme).not.toContain('| factor |');
    expect(readme).not.toContain('forest.svg');
    // Stored names are shown, not run: no raw tag reaches the Markdown or the SVG.
    expect(readme).toMatch(/^# \\<script\\>alert\(1\)\\<\/script\\>\n/);
    expect(readme).toContain('\\<img src=x onerror=alert(2)\\>');
    expect(readme).not.toMatch(/(?<!\\)<(script|img)/);
    const curves = read(dir, 'curves.svg');
    expect(curves).not.toContain(hostileCutoff);
    expect(curves).toContain('backbone.cutoff=&lt;img src=x onerror=alert(2)&gt;');
  });

  it('refuses an experiment the DB does not hold with TLAB_EXPERIMENT_NOT_FOUND, naming those it does', () => {
    for (const wanted of ['cutoff-vs-dropot', '99']) {
      let caught: unknown;
      try {
        writeReport({ db: sample.file, experiment: wanted, out: outDir() });
      } catch (error) {
        caught = error;
      }
      expect(isTlabError(caught, 'TLAB_EXPERIMENT_NOT_FOUND')).toBe(true);
      expect((caught as Error).message).toContain(`no experiment with the id or name "${wanted}"`);
      expect((caught as Error).message).toContain('"cutoff-vs-dropout" (id 1)');
    }
  });
});
