import { describe, expect, it } from 'vitest';
import { augmentObjectSchema, augmentPresets } from '@tlab/core';
import { isIdentityMatrix, mapPoint } from './affine-matrix.ts';
import { drawTransform, transformMatrix, type TransformParameters } from './draw-transform.ts';

const size = [64, 80] as const;
const still: TransformParameters = { theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1, flip_horizontal: false, flip_vertical: false, brightness: null };

describe('drawTransform', () => {
  it('is a pure function of (seed, epoch, sampleId)', () => {
    const config = augmentPresets.course;
    expect(drawTransform(config, 7, 3, 11, size)).toEqual(drawTransform(config, 7, 3, 11, size));
    expect(drawTransform(config, 7, 4, 11, size).parameters).not.toEqual(drawTransform(config, 7, 3, 11, size).parameters);
    expect(drawTransform(config, 7, 3, 12, size).parameters).not.toEqual(drawTransform(config, 7, 3, 11, size).parameters);
    expect(drawTransform(config, 8, 3, 11, size).parameters).not.toEqual(drawTransform(config, 7, 3, 11, size).parameters);
  });

  it('gives the identity when every range is at its default', () => {
    const transform = drawTransform(augmentObjectSchema.parse({}), 1, 0, 0, size);
    expect(isIdentityMatrix(transform.matrix)).toBe(true);
    expect(transform.parameters.brightness).toBeNull();
  });

  it('draws within the Keras ranges: shifts < 1 are fractions of the size, ≥ 1 are pixels', () => {
    const config = augmentObjectSchema.parse({
      rotation_range: 40,
      width_shift_range: 0.25,
      height_shift_range: 5,
      shear_range: 20,
      zoom_range: 0.2,
      brightness_range: [0.5, 1.5],
    });
    const draws = Array.from({ length: 2000 }, (_, i) => drawTransform(config, 3, 0, i, size).parameters);
    const spread = (pick: (p: TransformParameters) => number): [number, number] => [Math.min(...draws.map(pick)), Math.max(...draws.map(pick))];
    const within = ([low, high]: [number, number], min: number, max: number): void => {
      expect(low).toBeGreaterThanOrEqual(min);
      expect(high).toBeLessThan(max);
      // 2000 uniform draws come within 1% of both ends.
      expect(low).toBeLessThan(min + 0.01 * (max - min));
      expect(high).toBeGreaterThan(max - 0.01 * (max - min));
    };
    within(spread((p) => p.theta), -40, 40);
    within(spread((p) => p.ty), -0.25 * size[1], 0.25 * size[1]);
    within(spread((p) => p.tx), -5, 5);
    within(spread((p) => p.shear), -20, 20);
    within(spread((p) => p.zx), 0.8, 1.2);
    within(spread((p) => p.zy), 0.8, 1.2);
    within(spread((p) => p.brightness ?? Number.NaN), 0.5, 1.5);
    expect(draws.some((p) => p.zx !== p.zy)).toBe(true);
  });

  it('flips with probability one half, only when enabled', () => {
    const flipping = augmentObjectSchema.parse({ horizontal_flip: true });
    const flips = Array.from({ length: 1000 }, (_, i) => drawTransform(flipping, 5, 0, i, size).parameters.flip_horizontal);
    const share = flips.filter(Boolean).length / flips.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
    expect(drawTransform(flipping, 5, 0, 0, size).parameters.flip_vertical).toBe(false);
  });

  it('keeps the other draws of a sample when one augmentation is switched off (clean ablations)', () => {
    const withRotation = drawTransform(augmentPresets.course, 9, 2, 5, size).parameters;
    const without = drawTransform({ ...augmentPresets.course, rotation_range: 0 }, 9, 2, 5, size).parameters;
    expect(without).toEqual({ ...withRotation, theta: 0 });
  });
});

describe('transformMatrix', () => {
  it('maps output to input about the image centre, as Keras apply_affine_transform', () => {
    const centre = [size[0] / 2 - 0.5, size[1] / 2 - 0.5] as const;
    const rotated = transformMatrix({ ...still, theta: 90 }, size);
    const [row, col] = mapPoint(rotated, ...centre);
    expect(row).toBeCloseTo(centre[0], 10);
    expect(col).toBeCloseTo(centre[1], 10);
    // theta 90: input row = centre - (output col - centre col); the output pixel right of centre reads above it.
    const [inRow, inCol] = mapPoint(rotated, centre[0], centre[1] + 10);
    expect(inRow).toBeCloseTo(centre[0] - 10, 10);
    expect(inCol).toBeCloseTo(centre[1], 10);
  });

  it('puts flips after the warp, as Keras applies them to the warped image', () => {
    const matrix = transformMatrix({ ...still, ty: 5, flip_horizontal: true }, size);
    // Output column 0 shows the warped column width-1, which reads input column width-1+5.
    expect(mapPoint(matrix, 0, 0)).toEqual([0, size[1] - 1 + 5]);
  });
});
