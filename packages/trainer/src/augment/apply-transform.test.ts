import { describe, expect, it } from 'vitest';
import { createRandom } from '@tlab/core';
import { augmentObjectSchema, augmentPresets } from '@tlab/core';
import { mapPoint } from './affine-matrix.ts';
import { applyTransform, type Fill, type FillMode } from './apply-transform.ts';
import { drawTransform, transformMatrix, type AugmentTransform, type TransformParameters } from './draw-transform.ts';
import type { RgbImage } from './rgb-image.ts';

const still: TransformParameters = { theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1, flip_horizontal: false, flip_vertical: false, brightness: null };
const nearest: Fill = { mode: 'nearest', cval: 0 };

function image(height: number, width: number, pixel: (row: number, col: number) => number): RgbImage {
  const data = new Uint8Array(height * width * 3);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      data.fill(pixel(row, col), (row * width + col) * 3, (row * width + col + 1) * 3);
    }
  }
  return { data, width, height };
}

/** 64×64 black with a white 4×4 marker at rows 8–11, columns 20–23 (centre 9.5, 21.5). */
const marked = image(64, 64, (row, col) => (row >= 8 && row < 12 && col >= 20 && col < 24 ? 255 : 0));

function transform(parameters: Partial<TransformParameters>, target: RgbImage = marked): AugmentTransform {
  const full = { ...still, ...parameters };
  return { parameters: full, matrix: transformMatrix(full, [target.height, target.width]), imageSize: [target.height, target.width] };
}

function at(picture: RgbImage, row: number, col: number): number {
  return picture.data[(row * picture.width + col) * 3] ?? Number.NaN;
}

/** Intensity-weighted centre and total brightness (in white pixels) of the red channel. */
function marker(picture: RgbImage): { row: number; col: number; area: number } {
  let total = 0;
  let rows = 0;
  let cols = 0;
  for (let row = 0; row < picture.height; row++) {
    for (let col = 0; col < picture.width; col++) {
      const value = at(picture, row, col);
      total += value;
      rows += value * row;
      cols += value * col;
    }
  }
  return { row: rows / total, col: cols / total, area: total / 255 };
}

describe('applyTransform on a marker', () => {
  it('horizontal flip mirrors the column', async () => {
    const out = marker(await applyTransform(marked, transform({ flip_horizontal: true }), nearest));
    expect(out).toEqual({ row: 9.5, col: 63 - 21.5, area: 16 });
  });

  it('vertical flip mirrors the row', async () => {
    const out = marker(await applyTransform(marked, transform({ flip_vertical: true }), nearest));
    expect(out).toEqual({ row: 63 - 9.5, col: 21.5, area: 16 });
  });

  it('a width shift of +0.25 (ty = +16 px) moves the content 16 px LEFT: Keras maps output to input, input col = output col + ty', async () => {
    const config = augmentObjectSchema.parse({ width_shift_range: 0.25 });
    // Find a sample whose draw is close to +0.25 × 64 so the test goes through drawTransform's scaling.
    const drawn = Array.from({ length: 400 }, (_, i) => drawTransform(config, 1, 0, i, [64, 64])).reduce((best, t) =>
      t.parameters.ty > best.parameters.ty ? t : best,
    );
    expect(drawn.parameters.ty).toBeGreaterThan(15.5);
    const out = marker(await applyTransform(marked, drawn, nearest));
    expect(out.col).toBeCloseTo(21.5 - drawn.parameters.ty, 1);
    expect(out.row).toBeCloseTo(9.5, 5);
    const exact = marker(await applyTransform(marked, transform({ ty: 16 }), nearest));
    expect(exact).toEqual({ row: 9.5, col: 5.5, area: 16 });
  });

  it('a height shift (tx = +16 px) moves the content 16 px UP', async () => {
    const out = marker(await applyTransform(marked, transform({ tx: -8 }), nearest));
    expect(out).toEqual({ row: 17.5, col: 21.5, area: 16 });
  });

  it('theta = 90 turns the picture clockwise on screen (top-left marker goes top-right) about the centre', async () => {
    const out = marker(await applyTransform(marked, transform({ theta: 90 }), nearest));
    // Relative to the centre (31.5, 31.5) the marker is at (-22, -10); a clockwise quarter turn gives (-10, +22).
    expect(out.row).toBeCloseTo(21.5, 6);
    expect(out.col).toBeCloseTo(53.5, 6);
    expect(out.area).toBeCloseTo(16, 6);
  });

  it('zoom > 1 zooms OUT in Keras (the marker shrinks towards the centre), zoom < 1 zooms in', async () => {
    const out = marker(await applyTransform(marked, transform({ zx: 2, zy: 2 }), { mode: 'constant', cval: 0 }));
    // Half the size in each direction: a quarter of the area, half the distance from the centre.
    expect(out.area).toBeCloseTo(4, 1);
    expect(out.row).toBeCloseTo(31.5 - 22 / 2, 1);
    expect(out.col).toBeCloseTo(31.5 - 10 / 2, 1);
    // Zooming in by 2 needs a marker nearer the centre to stay in frame: rel (-6, +6) goes to (-12, +12).
    const central = image(64, 64, (row, col) => (row >= 24 && row < 28 && col >= 36 && col < 40 ? 255 : 0));
    const zoomedIn = marker(await applyTransform(central, transform({ zx: 0.5, zy: 0.5 }), nearest));
    expect(zoomedIn.area).toBeCloseTo(64, 0);
    expect(zoomedIn.row).toBeCloseTo(31.5 - 12, 1);
    expect(zoomedIn.col).toBeCloseTo(31.5 + 12, 1);
    // zx scales rows and zy columns, as in Keras (where zx is paired with the row axis).
    const tall = marker(await applyTransform(central, transform({ zx: 0.5 }), nearest));
    expect(tall.area).toBeCloseTo(32, 0);
    expect(tall.col).toBeCloseTo(37.5, 5);
  });

  it('shear tilts horizontal lines by atan(sin(shear)) and keeps vertical lines vertical', async () => {
    const horizontal = image(64, 64, (row, col) => (row === 31 && col >= 8 && col < 56 ? 255 : 0));
    const sheared = await applyTransform(horizontal, transform({ shear: 30 }, horizontal), nearest);
    const lineRow = (col: number): number => {
      let weight = 0;
      let sum = 0;
      for (let row = 0; row < 64; row++) {
        weight += at(sheared, row, col);
        sum += at(sheared, row, col) * row;
      }
      return sum / weight;
    };
    // input row - 31.5 = (output row - 31.5) - sin(30°)·(output col - 31.5): slope 0.5, the angle 26.6°.
    const slope = (lineRow(44) - lineRow(20)) / 24;
    expect(Math.atan(slope) * (180 / Math.PI)).toBeCloseTo(Math.atan(0.5) * (180 / Math.PI), 0);
    const vertical = image(64, 64, (row, col) => (col === 40 && row >= 8 && row < 56 ? 255 : 0));
    const stillVertical = await applyTransform(vertical, transform({ shear: 30 }, vertical), nearest);
    const columnOf = (row: number): number => marker(image(1, 64, (_, col) => at(stillVertical, row, col))).col;
    expect(columnOf(20)).toBeCloseTo(columnOf(44), 6);
  });

  it('scales brightness like PIL ImageEnhance: ×factor, truncated, clipped at 255', async () => {
    const grey = image(4, 4, (row) => (row < 2 ? 101 : 200));
    const brighter = await applyTransform(grey, transform({ brightness: 1.5 }, grey), nearest);
    expect(at(brighter, 0, 0)).toBe(151);
    expect(at(brighter, 3, 3)).toBe(255);
  });
});

describe('applyTransform fill modes', () => {
  // Column c holds 10 + 3c; a shift of ty = -16 exposes 16 columns on the left.
  const ramp = image(8, 64, (_, col) => 10 + 3 * col);
  const exposed = async (mode: FillMode, cval = 0): Promise<number[]> => {
    const out = await applyTransform(ramp, transform({ ty: -16 }, ramp), { mode, cval });
    expect(at(out, 4, 16)).toBe(10);
    return Array.from({ length: 16 }, (_, col) => at(out, 4, col));
  };
  const expected = (source: (k: number) => number): number[] => Array.from({ length: 16 }, (_, k) => 10 + 3 * source(k));

  it('nearest repeats the edge pixel (aaaa|abcd)', async () => {
    expect(await exposed('nearest')).toEqual(expected(() => 0));
  });

  it('constant fills with cval', async () => {
    expect(await exposed('constant', 99)).toEqual(Array(16).fill(99));
  });

  it('reflect mirrors with the edge repeated (dcba|abcd)', async () => {
    expect(await exposed('reflect')).toEqual(expected((k) => 15 - k));
  });

  it('wrap tiles the image (abcd|abcd)', async () => {
    expect(await exposed('wrap')).toEqual(expected((k) => 48 + k));
  });
});

/**
 * Keras apply_affine_transform with order-1 interpolation, written out per pixel as the reference,
 * with the image extended by the fill mode before interpolating (for `constant` that blends the edge
 * over one pixel where scipy cuts off, as apply-transform.ts says).
 */
function reference(source: RgbImage, t: AugmentTransform, fill: Fill): RgbImage {
  const extend = (i: number, n: number): number | null => {
    if (i >= 0 && i < n) return i;
    switch (fill.mode) {
      case 'nearest':
        return Math.min(n - 1, Math.max(0, i));
      case 'reflect': {
        const m = ((i % (2 * n)) + 2 * n) % (2 * n);
        return m < n ? m : 2 * n - 1 - m;
      }
      case 'wrap':
        return ((i % n) + n) % n;
      case 'constant':
        return null;
    }
  };
  const sample = (row: number, col: number): number => {
    const r = extend(row, source.height);
    const c = extend(col, source.width);
    return r === null || c === null ? fill.cval : at(source, r, c);
  };
  return image(source.height, source.width, (row, col) => {
    const [y, x] = mapPoint(t.matrix, row, col);
    const r0 = Math.floor(y);
    const c0 = Math.floor(x);
    const fy = y - r0;
    const fx = x - c0;
    const value =
      (1 - fy) * ((1 - fx) * sample(r0, c0) + fx * sample(r0, c0 + 1)) + fy * ((1 - fx) * sample(r0 + 1, c0) + fx * sample(r0 + 1, c0 + 1));
    // Keras turns the warped image into 8 bits before PIL scales its brightness, truncating the product.
    return t.parameters.brightness === null ? Math.round(value) : Math.min(255, Math.floor(Math.round(value) * t.parameters.brightness));
  });
}

describe('applyTransform against a per-pixel reference of Keras apply_affine_transform', () => {
  const random = createRandom(17);
  const texture = image(37, 53, () => random.int(256));
  const config = { ...augmentPresets.course, rotation_range: 180, shear_range: 30, zoom_range: [0.5, 1.8] as [number, number], vertical_flip: true, brightness_range: [0.6, 1.4] as [number, number] };

  // Far beyond any useful augmentation: strong zooms both ways, shifts past the edge, steep shears.
  const extreme = { ...config, rotation_range: 360, shear_range: 80, zoom_range: [0.05, 6] as [number, number], width_shift_range: 70, height_shift_range: 0.9 };

  for (const mode of ['nearest', 'constant', 'reflect', 'wrap'] as const) {
    it(`agrees to one 8-bit level, times the brightness factor, for fill_mode ${mode}`, async () => {
      const fill = { mode, cval: 77 };
      for (let sampleId = 0; sampleId < 24; sampleId++) {
        const t = drawTransform(sampleId % 2 === 0 ? config : extreme, 4, 0, sampleId, [texture.height, texture.width]);
        const ours = await applyTransform(texture, t, fill);
        const theirs = reference(texture, t, fill);
        const worst = ours.data.reduce((max, value, i) => Math.max(max, Math.abs(value - (theirs.data[i] ?? Number.NaN))), 0);
        // libvips interpolates in fixed point: one level off before brightness scales it.
        expect(worst, `sample ${sampleId} ${JSON.stringify(t.parameters)}`).toBeLessThanOrEqual(Math.ceil(t.parameters.brightness ?? 1));
      }
    });
  }

  it('agrees exactly for quarter turns, flips and a 2× zoom, whose warped corners land on whole pixels', async () => {
    const exact: Array<Partial<TransformParameters>> = [
      { theta: 90 },
      { theta: 180 },
      { theta: -90 },
      { theta: 270, flip_horizontal: true },
      { flip_horizontal: true, flip_vertical: true },
      { zx: 2, zy: 2 },
      { zx: 0.5, zy: 0.5, tx: 3, ty: -7 },
    ];
    for (const parameters of exact) {
      for (const mode of ['nearest', 'reflect'] as const) {
        const t = transform(parameters, texture);
        const ours = await applyTransform(texture, t, { mode, cval: 0 });
        expect(Buffer.from(ours.data).equals(Buffer.from(reference(texture, t, { mode, cval: 0 }).data)), `${JSON.stringify(parameters)} ${mode}`).toBe(true);
      }
    }
  });

  it('gives identical pixels for the same (seed, epoch, sampleId) and different ones for another epoch', async () => {
    const fill = { mode: 'reflect', cval: 0 } as const;
    const size = [texture.height, texture.width] as const;
    const first = await applyTransform(texture, drawTransform(config, 4, 1, 3, size), fill);
    const again = await applyTransform(texture, drawTransform(config, 4, 1, 3, size), fill);
    const nextEpoch = await applyTransform(texture, drawTransform(config, 4, 2, 3, size), fill);
    expect(Buffer.from(again.data).equals(Buffer.from(first.data))).toBe(true);
    expect(Buffer.from(nextEpoch.data).equals(Buffer.from(first.data))).toBe(false);
  });

  it('refuses a shift so large that the fill padding cannot be built', async () => {
    await expect(applyTransform(texture, transform({ ty: 20_000 }, texture), nearest)).rejects.toMatchObject({ code: 'TLAB_AUGMENT_RANGE' });
  });
});
