export * from './sweep/run-sweep.ts';
export type * from './sweep/sweep-reporter.ts';
