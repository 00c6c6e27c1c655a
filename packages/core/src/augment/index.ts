export * from './affine-matrix.ts';
export { applyTransform, type Fill, type FillMode } from './apply-transform.ts';
export { AugmentRangeError } from './augment-range-error.ts';
export { drawTransform, transformMatrix, type AugmentTransform, type TransformParameters } from './draw-transform.ts';
export type { RgbImage } from './rgb-image.ts';
