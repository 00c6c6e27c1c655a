export * from './data-errors.ts';
export type * from './dataset.ts';
export { maxImagePixels } from './decode-image.ts';
export { loadImageBatch, type LoadImageBatchOptions } from './load-image-batch.ts';
export { preprocessingOf, type Preprocessing } from './preprocessing.ts';
export { resolveDataset, type ResolveDatasetOptions } from './resolve-dataset.ts';
