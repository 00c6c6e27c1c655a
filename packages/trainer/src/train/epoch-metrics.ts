import type { EpochRecord } from '@tlab/core';

/** One epoch's Keras-style logs; the store persists exactly this shape. */
export type EpochMetrics = EpochRecord;
