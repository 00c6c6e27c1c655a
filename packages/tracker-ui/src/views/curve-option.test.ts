import { describe, expect, it } from 'vitest';
import { curveOption } from './curve-option.ts';

describe('curveOption', () => {
  const axis = (points: Array<[number, number]>) => (curveOption('t', 'accuracy', [{ name: 'r', points, color: '#000' }]) as { xAxis: Record<string, unknown> }).xAxis;

  it('gives one epoch an axis of one whole epoch, not 0.5 to 1, and names epochs as whole numbers', () => {
    expect(axis([[1, 0.9]])).toMatchObject({ min: 1, max: 2, minInterval: 1, axisPointer: { label: { precision: 0 } } });
  });

  it('spans the first to the last epoch otherwise', () => {
    expect(axis([[1, 0.5], [2, 0.6], [7, 0.8]])).toMatchObject({ min: 1, max: 7 });
  });

  it('marks an epoch with a vertical line on the first curve only', () => {
    const option = curveOption('t', 'accuracy', [
      { name: 'val', points: [[1, 0.5], [2, 0.7]], color: '#000' },
      { name: 'train', points: [[1, 0.6], [2, 0.8]], color: '#111' },
    ], { marker: { epoch: 2, label: 'best (val_accuracy)' } }) as { series: Array<{ markLine?: { data: unknown[]; label: { formatter: string } } }> };
    expect(option.series[0]!.markLine).toMatchObject({ data: [{ xAxis: 2 }], label: { formatter: 'best (val_accuracy)' } });
    expect(option.series[1]!.markLine).toBeUndefined();
  });
});
