export * from './feature-cache.ts';
export * from './feature-provider.ts';
export * from './frozen-extractor.ts';
export * from './frozen-part.ts';
