import type { EpochRecord, RunningRun } from '@tlab/core';
import { describe, expect, it } from 'vitest';
import { runPhase } from './live.ts';

const run = (progress: RunningRun['progress'], epochsPlanned = 10): RunningRun => ({ id: 'r', params: {}, startedAt: 'x', epochsPlanned, epochsDone: 0, progress });
const report = (epoch: number, phase: 'train' | 'validate', step: number, steps: number, computedImages: number, epochSeconds: number) =>
  ({ epoch, phase, step, steps, computedImages, epochSeconds, updatedAt: 'x' }) as const;
const epoch = (n: number, seconds: number): EpochRecord => ({ epoch: n, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds });

describe('runPhase', () => {
  it('says the run is starting before its first report', () => {
    expect(runPhase(run(null), [])).toMatchObject({ kind: 'starting', step: null, etaSeconds: null });
  });

  it("calls a group's first epoch that computes features the feature pass, with the ETA of its steps left", () => {
    // 8 of 32 batches in 20 s: 24 batches left at 2.5 s each.
    expect(runPhase(run(report(1, 'train', 8, 32, 256, 20)), [])).toEqual({ kind: 'features', step: 8, steps: 32, computedImages: 256, etaSeconds: 60, etaOf: 'feature pass' });
  });

  it('gives a first epoch read from the cache the ETA of the epoch', () => {
    expect(runPhase(run(report(1, 'train', 1, 4, 0, 0.5)), [])).toMatchObject({ kind: 'train', etaSeconds: 1.5, etaOf: 'epoch' });
  });

  it("guesses nothing in the first epoch's validation, whose elapsed time includes training", () => {
    expect(runPhase(run(report(1, 'validate', 1, 2, 300, 30)), [])).toMatchObject({ kind: 'features', etaSeconds: null, etaOf: null });
  });

  it("once an epoch landed, times the epochs left by the last epoch (the first one's feature pass would overstate it)", () => {
    const epochs = [epoch(1, 40), epoch(2, 2)];
    // 8 epochs left at 2 s, 0.5 s of the third already spent.
    expect(runPhase(run(report(3, 'train', 1, 4, 0, 0.5)), epochs)).toMatchObject({ kind: 'train', step: 1, etaSeconds: 15.5, etaOf: 'run' });
  });

  it("ignores a report from the epoch that just landed", () => {
    const epochs = [epoch(1, 40), epoch(2, 2)];
    expect(runPhase(run(report(2, 'validate', 2, 2, 0, 2)), epochs)).toMatchObject({ kind: 'train', step: null, etaSeconds: 16, etaOf: 'run' });
  });
});
