import { describe, expect, it } from 'vitest';
import { timingKeys, timingMetrics } from './run-metrics.ts';

describe('timingMetrics', () => {
  it("keeps the group's shared feature pass out of train_seconds, which runs are compared by", () => {
    // The first run of a planned group on horse-or-human: 46.9 s elapsed, 44.1 s of them features.
    const metrics = timingMetrics({ wallSeconds: 46.9, featureSeconds: 44.1, headSeconds: 2.5, trainedImages: 3 * 1027, epochSeconds: 2.7 });
    expect(metrics[timingKeys.wall]).toBe(46.9);
    expect(metrics[timingKeys.train]).toBeCloseTo(2.8, 10);
    expect(metrics[timingKeys.features]).toBe(44.1);
    expect(metrics[timingKeys.head]).toBe(2.5);
    expect(metrics[timingKeys.imagesPerSecond]).toBeCloseTo(3081 / 2.7, 10);
  });
});
