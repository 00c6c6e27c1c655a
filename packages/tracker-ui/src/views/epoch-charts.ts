import type { EpochRecord } from '@tlab/core';
import { palette, type CurveSeries } from './curve-option.ts';

export interface NamedHistory {
  readonly name: string;
  readonly epochs: readonly EpochRecord[];
}

/**
 * Accuracy and loss curves of one or more runs: validation solid, training dashed, one colour per
 * run, or two colours (validation, training) for a single run, which is the overfitting picture.
 */
export function epochSeries(histories: readonly NamedHistory[]): { accuracy: CurveSeries[]; loss: CurveSeries[] } {
  const single = histories.length === 1;
  const series = (pick: (e: EpochRecord) => [train: number, validation: number]): CurveSeries[] =>
    histories.flatMap(({ name, epochs }, i) => {
      const color = palette[i % palette.length]!;
      return [
        { name: single ? 'validation' : `${name} val`, color, points: epochs.map((e) => [e.epoch, pick(e)[1]] as const) },
        {
          name: single ? 'training' : `${name} train`,
          color: single ? palette[4] : color,
          dashed: true,
          points: epochs.map((e) => [e.epoch, pick(e)[0]] as const),
        },
      ];
    });
  return { accuracy: series((e) => [e.accuracy, e.valAccuracy]), loss: series((e) => [e.loss, e.valLoss]) };
}
