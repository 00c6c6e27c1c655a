import { describe, expect, it } from 'vitest';
import type { LevelStats, PairStats, ResultsReader } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import { experimentMetric } from '@tlab/core';
import { loadAblation } from './ablation.ts';

/** Only the two queries loadAblation uses; its SQL side is tested in core. */
function readerWith(levels: Record<string, LevelStats[]>, pairs: PairStats[] = []): ResultsReader {
  return { levels: (_id: number, key: string) => levels[key] ?? [], pairs: () => pairs } as unknown as ResultsReader;
}

function context(factors: string[], base: Record<string, unknown>): ExperimentContext {
  return {
    record: { id: 1, name: 'e', createdAt: '', updatedAt: '' },
    description: '',
    metric: experimentMetric({ name: 'val_loss', goal: 'minimize' }),
    paramKeys: factors,
    factors,
    seedsSwept: false,
    specText: null,
    baseValue: (key) => (key in base ? { value: base[key] } : undefined),
  };
}

const level = (value: unknown, ...metric: number[]): LevelStats => ({
  level: value,
  runs: metric.length,
  failed: 0,
  n: metric.length,
  sum: metric.reduce((a, b) => a + b, 0),
  sumOfSquares: metric.reduce((a, b) => a + b * b, 0),
  // Each value its own setting, as without seeds.
  withinSquares: 0,
  withinDf: 0,
});

describe('loadAblation', () => {
  it('ranks levels by the goal: for a loss, lower is better', () => {
    const { factors } = loadAblation(readerWith({ 'head.units': [level(64, 0.5), level(256, 0.3)] }), context(['head.units'], { 'head.units': 64 }), { x: null, y: null });
    expect(factors[0]).toMatchObject({ bestLevel: '256', baseSwept: true });
    expect(factors[0]!.levels[1]!.delta).toBeCloseTo(-0.2);
  });

  it('keeps seed noise (within settings) apart from the spread the other factors add', () => {
    // units 64: two settings 0.50/0.52 and 0.30/0.32 (another factor moves it by 0.2), each under two seeds.
    const sixtyFour = { ...level(64, 0.5, 0.52, 0.3, 0.32), withinSquares: 4 * 0.01 ** 2, withinDf: 2 };
    const { factors } = loadAblation(readerWith({ 'head.units': [sixtyFour, level(256, 0.3)] }), context(['head.units'], { 'head.units': 64 }), { x: null, y: null });
    const [units] = factors;
    expect(units!.levels[0]!.std).toBeCloseTo(Math.sqrt((2 * 0.11 ** 2 + 2 * 0.09 ** 2) / 3));
    expect(units!.levels[0]!.seedStd).toBeCloseTo(0.01 * Math.SQRT2);
    expect(units!.levels[1]!.seedStd).toBeNull();
    // Every factor's levels hold all settings: the experiment's seed noise pools them.
    const { seedStd } = loadAblation(readerWith({ 'head.units': [sixtyFour, level(256, 0.3)] }), context(['head.units'], { 'head.units': 64 }), { x: null, y: null });
    expect(seedStd).toBeCloseTo(0.01 * Math.SQRT2);
  });

  it('has no deltas when the base value is not among the levels', () => {
    const { factors } = loadAblation(readerWith({ 'head.dropout': [level(0, 0.4), level(0.5, 0.45)] }), context(['head.dropout'], { 'head.dropout': 0.2 }), { x: null, y: null });
    expect(factors[0]).toMatchObject({ base: { value: 0.2, label: '0.2' }, baseSwept: false });
    expect(factors[0]!.levels.map((l) => l.delta)).toEqual([null, null]);
  });

  it('compares whole objects as values, whatever their key order', () => {
    const { factors } = loadAblation(
      readerWith({ augment: [level({ a: 1, b: 2 }, 0.4), level('none', 0.5)] }),
      context(['augment'], { augment: { b: 2, a: 1 } }),
      { x: null, y: null },
    );
    expect(factors[0]!.levels.map((l) => [l.label, l.isBase])).toEqual([
      ['{a: 1, b: 2}', true],
      ['none', false],
    ]);
  });

  it('pools a random search’s continuous values into ordered log-scale ranges, the base in its range', () => {
    const rates = Array.from({ length: 40 }, (_, i) => 1e-4 * 10 ** (i / 13));
    const stats = [...rates].reverse().map((rate) => level(rate, rate > 1e-3 ? 0.2 : 0.6));
    const { factors, grid } = loadAblation(
      readerWith({ 'train.learning_rate': stats, 'head.units': [level(8, 0.3), level(16, 0.3)] }, [
        { ...level(rates[0], 0.6), y: 8 },
        { ...level(rates[1], 0.5), y: 8 },
      ]),
      context(['train.learning_rate', 'head.units'], { 'train.learning_rate': 1e-4 }),
      { x: 'train.learning_rate', y: 'head.units' },
    );
    const rate = factors[0]!;
    expect(rate.binned).toBe(true);
    expect(rate.levels).toHaveLength(8);
    const lows = rate.levels.map((l) => (l.value as [number, number])[0]);
    expect(lows).toEqual([...lows].sort((a, b) => a - b));
    expect(rate.levels.reduce((sum, l) => sum + l.n, 0)).toBe(40);
    expect(rate.levels[0]).toMatchObject({ isBase: true, label: '0.000100 – 0.000237' });
    expect(rate.levels.find((l) => l.label === rate.bestLevel)!.mean).toBeCloseTo(0.2);
    // both pairs fall in the first range: pooled into one cell
    expect(grid!.cells).toEqual([expect.objectContaining({ x: '0.000100 – 0.000237', y: '8', n: 2, mean: expect.closeTo(0.55) })]);
  });
});
