import { createRandom, deriveSeed } from '@tlab/core';
import type { AugmentConfig } from '@tlab/core';
import { multiplyMatrices, type AffineMatrix } from './affine-matrix.ts';

/**
 * One sample's random augmentation, with the names and units of Keras's
 * `ImageDataGenerator.get_random_transform` so a run can be compared with a Keras one: `theta` and
 * `shear` in degrees, `tx` the vertical (row) and `ty` the horizontal (column) shift in pixels,
 * `zx` the row and `zy` the column zoom factor (> 1 zooms out, as in Keras, because the matrix maps
 * output to input), `brightness` a multiplier or null.
 */
export interface TransformParameters {
  readonly theta: number;
  readonly tx: number;
  readonly ty: number;
  readonly shear: number;
  readonly zx: number;
  readonly zy: number;
  readonly flip_horizontal: boolean;
  readonly flip_vertical: boolean;
  readonly brightness: number | null;
}

export interface AugmentTransform {
  readonly parameters: TransformParameters;
  /** Output→input map for an image of `imageSize`, flips included: one warp does everything. */
  readonly matrix: AffineMatrix;
  readonly imageSize: readonly [height: number, width: number];
}

// A zoom of 0 or a shear of ±90° makes the matrix singular, and libvips needs its inverse; Keras
// ranges reach those values only at their closed ends, so clamping changes no realistic draw.
const minZoom = 0.01;
const maxShearDegrees = 89.9;

/**
 * Draws sample `sampleId`'s transform for `epoch` from its own seeded stream, so the same
 * (seed, epoch, sampleId) always gives the same image whatever else is drawn, in any order.
 * Every parameter is drawn even when its range is 0, so switching one augmentation on or off in an
 * ablation leaves the other parameters of every sample unchanged.
 */
export function drawTransform(
  config: AugmentConfig,
  seed: number,
  epoch: number,
  sampleId: number,
  imageSize: readonly [height: number, width: number],
): AugmentTransform {
  const random = createRandom(deriveSeed(seed, 'augment', epoch, sampleId));
  const [height, width] = imageSize;
  const [zoomLow, zoomHigh] = typeof config.zoom_range === 'number' ? [1 - config.zoom_range, 1 + config.zoom_range] : config.zoom_range;
  const shift = (range: number, size: number): number => {
    const drawn = random.uniform(-range, range);
    // Keras: a range below 1 is a fraction of the size, otherwise pixels. (Keras draws whole pixels
    // for an integer range; YAML cannot tell 10 from 10.0, so pixel shifts are continuous here.)
    return range < 1 ? drawn * size : drawn;
  };
  const theta = random.uniform(-config.rotation_range, config.rotation_range);
  const tx = shift(config.height_shift_range, height);
  const ty = shift(config.width_shift_range, width);
  const shear = clamp(random.uniform(-config.shear_range, config.shear_range), -maxShearDegrees, maxShearDegrees);
  const zx = Math.max(minZoom, random.uniform(zoomLow, zoomHigh));
  const zy = Math.max(minZoom, random.uniform(zoomLow, zoomHigh));
  const flip_horizontal = random.next() < 0.5 && config.horizontal_flip;
  const flip_vertical = random.next() < 0.5 && config.vertical_flip;
  const brightness = config.brightness_range === null ? null : random.uniform(...config.brightness_range);
  const parameters = { theta, tx, ty, shear, zx, zy, flip_horizontal, flip_vertical, brightness };
  return { parameters, matrix: transformMatrix(parameters, imageSize), imageSize };
}

/**
 * Keras's `apply_affine_transform` matrix (rotation · shift · shear · zoom, about the image centre)
 * followed by its flips, which Keras applies to the warped image and which therefore act on output
 * coordinates first.
 */
export function transformMatrix(parameters: TransformParameters, imageSize: readonly [height: number, width: number]): AffineMatrix {
  const [height, width] = imageSize;
  const theta = degreesToRadians(parameters.theta);
  const shear = degreesToRadians(parameters.shear);
  const rotation: AffineMatrix = [Math.cos(theta), -Math.sin(theta), 0, Math.sin(theta), Math.cos(theta), 0];
  const shift: AffineMatrix = [1, 0, parameters.tx, 0, 1, parameters.ty];
  const shearing: AffineMatrix = [1, -Math.sin(shear), 0, 0, Math.cos(shear), 0];
  const zoom: AffineMatrix = [parameters.zx, 0, 0, 0, parameters.zy, 0];
  const centreRow = height / 2 - 0.5;
  const centreCol = width / 2 - 0.5;
  const toCentre: AffineMatrix = [1, 0, -centreRow, 0, 1, -centreCol];
  const fromCentre: AffineMatrix = [1, 0, centreRow, 0, 1, centreCol];
  const flips: AffineMatrix = [
    parameters.flip_vertical ? -1 : 1,
    0,
    parameters.flip_vertical ? height - 1 : 0,
    0,
    parameters.flip_horizontal ? -1 : 1,
    parameters.flip_horizontal ? width - 1 : 0,
  ];
  return [rotation, shift, shearing, zoom, toCentre, flips].reduce(multiplyMatrices, fromCentre);
}

function degreesToRadians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
