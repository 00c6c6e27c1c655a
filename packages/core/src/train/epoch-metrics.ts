import type { EpochRecord } from '../store/store-types.ts';

/** One epoch's Keras-style logs; the store persists exactly this shape. */
export type EpochMetrics = EpochRecord;
