import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openResultsReader, type ResultsReader } from '@tlab/core';
import { sharedDataset, sharedPath } from '@tlab/core/testing';
import { createApp } from '../src/create-app.ts';
import type { Effects } from '../src/models/effects.ts';
import { runSweepCli, type SweepWorkspace } from './fixtures/real-sweep.ts';

const rps = sharedDataset('rock-paper-scissors');
const weights = sharedPath('weights');

/**
 * The check: a 3-seed one-factor-at-a-time sweep on rock-paper-scissors with the course's
 * GAP head (ImageNet InceptionV3 to mixed7, 3 epochs). Scored by val_loss, which does not tie the
 * way accuracy near 1.0 does. Base: dropout 0.2, 1024 units; levels: dropout 0 and 0.5, 64 units.
 */
const spec = (root: string): string => `name: rps-ablation
seed: 1
metric: { name: val_loss, goal: minimize }
data: { root: ${JSON.stringify(root)}, train: train, validation: validation, image_size: 150 }
backbone: { name: inception_v3, cutoff: mixed7 }
head: { pooling: avg, units: 1024, dropout: 0.2 }
train: { optimizer: rmsprop, learning_rate: 0.0001, batch_size: 32, epochs: 3 }
augment: none
sweep:
  method: ablation
  repeats: 3
  parameters:
    head.dropout: { values: [0.0, 0.5] }
    head.units: { values: [64] }
`;

/** Student's t quantile t(0.975, 2), from any table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2). */
const t975df2 = 4.302652729911275;

/** Two-sided p of a t statistic with 2 degrees of freedom, in closed form: the t(2) CDF is 1/2 + t / (2√(2 + t²)). */
const twoSidedPdf2 = (t: number): number => 1 - Math.abs(t) / Math.sqrt(2 + t * t);

/** Holm's step-down adjustment, written out: sort, multiply by (m − rank), carry the maximum, cap at 1. */
function holm(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

describe.skipIf(rps === undefined || weights === undefined)('effects of a 3-seed ablation on rock-paper-scissors (needs ../shared/datasets and ../shared/weights)', () => {
  let workspace: SweepWorkspace;
  let reader: ResultsReader;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tlab-rps-'));
    workspace = { dir, spec: path.join(dir, 'rps.yaml'), db: path.join(dir, 'tlab.db'), cacheDir: path.join(dir, 'cache') };
    writeFileSync(workspace.spec, spec(rps!));
    const sweep = await runSweepCli(workspace, ['--weights-dir', weights!]);
    expect(sweep.code, sweep.output).toBe(0);
    reader = openResultsReader(workspace.db);
  }, 900_000);

  afterAll(() => {
    reader?.close();
    if (workspace !== undefined) rmSync(workspace.dir, { recursive: true, force: true });
  });

  it('serves paired Δs, 95% CIs and Holm-adjusted p-values equal to a computation by hand (needs ../shared/datasets and ../shared/weights)', async () => {
    const [experiment] = reader.listExperiments();
    const runs = reader.runsOf(experiment!.id).map((run) => ({ params: run.params, status: run.status, value: reader.metricsOf(run.id)['best_val_loss']! }));
    // (1 base + 2 dropouts + 1 width) × 3 seeds, every one trained.
    expect(runs.map((r) => r.status)).toEqual(new Array(12).fill('done'));

    const base = { 'head.dropout': 0.2, 'head.units': 1024 };
    const valueAt = (setting: Record<string, number>, seed: number): number =>
      runs.find((r) => r.params['seed'] === seed && Object.entries(setting).every(([k, v]) => r.params[k] === v))!.value;
    const levels = [
      ['head.dropout', 0],
      ['head.dropout', 0.5],
      ['head.units', 64],
    ] as const;
    const expected = levels.map(([factor, level]) => {
      const d = [1, 2, 3].map((seed) => valueAt({ ...base, [factor]: level }, seed) - valueAt(base, seed));
      const mean = (d[0]! + d[1]! + d[2]!) / 3;
      const se = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / 2) / Math.sqrt(3);
      return { factor, level, mean, lower: mean - t975df2 * se, upper: mean + t975df2 * se, p: twoSidedPdf2(mean / se) };
    });
    const adjusted = holm(expected.map((e) => e.p));

    const response = await createApp(reader).request(`/api/experiments/${experiment!.id}/effects`);
    expect(response.status).toBe(200);
    const effects = (await response.json()) as Effects;
    expect(effects).toMatchObject({ test: 'paired-t', alpha: 0.05, metric: { name: 'val_loss', goal: 'minimize' } });
    expected.forEach((e, i) => {
      const comparison = effects.factors.find((f) => f.factor === e.factor)!.levels.find((l) => l.level === e.level)!.comparison!;
      expect(comparison.pairs).toBe(3);
      expect(comparison.meanDifference).toBeCloseTo(e.mean, 12);
      expect(comparison.confidenceInterval!.lower).toBeCloseTo(e.lower, 9);
      expect(comparison.confidenceInterval!.upper).toBeCloseTo(e.upper, 9);
      expect(comparison.p).toBeCloseTo(e.p, 9);
      expect(comparison.pAdjusted).toBeCloseTo(adjusted[i]!, 9);
      const verdict = adjusted[i]! >= 0.05 ? 'no evidence' : e.mean < 0 ? 'better' : 'worse';
      expect(comparison.verdict).toBe(verdict);
    });
    // Recorded for the note: the numbers themselves.
    console.log(JSON.stringify(expected.map((e, i) => ({ ...e, pHolm: adjusted[i] }))));
  });
});
