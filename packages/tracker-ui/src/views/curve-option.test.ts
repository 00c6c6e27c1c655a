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
});
