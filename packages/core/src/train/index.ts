export * from './train-variant.ts';
export * from './train-errors.ts';
export * from './epoch-metrics.ts';
