export { openStore } from './open-store.ts';
export type { OpenStoreOptions } from './open-store.ts';
export * from './store-errors.ts';
export * from './store-types.ts';
