export * from './select-backend.ts';
export * from './engine-error.ts';
export * from './library-versions.ts';
