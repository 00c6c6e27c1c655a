import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { fillModes } from '@tlab/core';
import { isIdentityMatrix, mapPoint, type AffineMatrix } from './affine-matrix.ts';
import { AugmentRangeError } from './augment-range-error.ts';
import type { AugmentTransform } from './draw-transform.ts';
import { toRgbImage, type RgbImage } from './rgb-image.ts';

export type FillMode = (typeof fillModes)[number];

/** Keras `fill_mode` and `cval` (0–255 pixel units): what a sample sees where it leaves the image. */
export interface Fill {
  readonly mode: FillMode;
  readonly cval: number;
}

// Keras (scipy) fill modes as libvips edge extensions: `nearest` repeats the edge pixel, `reflect`
// mirrors with the edge pixel repeated (dcba|abcd|dcba), `wrap` tiles (abcd|abcd|abcd) as the Keras
// docs describe, `constant` is cval. One difference: Keras's `constant` cuts off hard at the edge,
// while here the last pixel blends into cval over one pixel.
const extendWith = { nearest: 'copy', constant: 'background', reflect: 'mirror', wrap: 'repeat' } as const satisfies Record<FillMode, string>;

// sharp's `extend` accepts at most this many pixels per edge.
const maxPadding = 10_000;

/**
 * Warps `image` with the transform's single affine matrix (bilinear, Keras's interpolation order 1)
 * and then scales brightness as Keras does through PIL (×factor, truncated, clipped to 255), all in
 * libvips on sharp's thread pool. sharp applies `extend` after `affine` within one pipeline, so the
 * fill padding is built in a first pass; the second cuts out just the area the output samples,
 * which keeps the warped canvas small even for strong zooms.
 */
export async function applyTransform(image: RgbImage, transform: AugmentTransform, fill: Fill): Promise<RgbImage> {
  const { width, height } = image;
  if (transform.imageSize[0] !== height || transform.imageSize[1] !== width) {
    throw new RangeError(`transform drawn for ${transform.imageSize.join('×')} applied to a ${height}×${width} image`);
  }
  const { matrix } = transform;
  const { brightness } = transform.parameters;
  if (isIdentityMatrix(matrix)) {
    return brightness === null ? image : toRgbImage(await scaleBrightness(fromRgbImage(image), brightness).raw().toBuffer({ resolveWithObject: true }));
  }
  const region = sampledRegion(matrix, height, width);
  const padding = {
    top: Math.max(0, -region.top),
    left: Math.max(0, -region.left),
    bottom: Math.max(0, region.top + region.height - height),
    right: Math.max(0, region.left + region.width - width),
  };
  const reach = Math.max(padding.top, padding.left, padding.bottom, padding.right);
  if (reach > maxPadding) {
    throw new AugmentRangeError(reach, maxPadding, [height, width]);
  }
  const padded = reach === 0 ? image : await pad(image, padding, fill);
  const warp = libvipsWarp(matrix, region);
  const warped = fromRgbImage(padded)
    .extract({ left: region.left + padding.left, top: region.top + padding.top, width: region.width, height: region.height })
    .affine(warp.matrix, { odx: warp.odx, ody: warp.ody, interpolator: sharp.interpolators.bilinear });
  const { data, info } = await scaleBrightness(warped, brightness).raw().toBuffer({ resolveWithObject: true });
  return cropTopLeft(data, info, height, width);
}

interface Region {
  readonly top: number;
  readonly left: number;
  readonly width: number;
  readonly height: number;
}

/** Input pixels (unpadded coordinates, possibly outside the image) that the output samples. */
function sampledRegion(matrix: AffineMatrix, height: number, width: number): Region {
  const corners = [
    mapPoint(matrix, 0, 0),
    mapPoint(matrix, 0, width - 1),
    mapPoint(matrix, height - 1, 0),
    mapPoint(matrix, height - 1, width - 1),
  ];
  const rows = corners.map(([row]) => row);
  const cols = corners.map(([, col]) => col);
  // Bilinear reads floor(x) and floor(x) + 1. The extra margin, at least the matrix's largest
  // stretch, guarantees the warped region is at least as big as the output even when zoomed out.
  const margin = 1 + Math.ceil(Math.hypot(matrix[0], matrix[1], matrix[3], matrix[4]));
  const top = Math.floor(Math.min(...rows)) - margin;
  const left = Math.floor(Math.min(...cols)) - margin;
  return {
    top,
    left,
    height: Math.floor(Math.max(...rows)) + 1 + margin - top,
    width: Math.floor(Math.max(...cols)) + 1 + margin - left,
  };
}

/**
 * libvips's affine takes the forward map X = M·(x, y) + (odx, ody) in (x, y) order and writes the
 * bounding box of the warped input, whose corner it rounds (half away from zero) from the matrix
 * alone. Choosing odx/ody against that corner puts output pixel (row, col) at canvas pixel
 * (row, col), so the result is the canvas's top-left corner.
 */
function libvipsWarp(matrix: AffineMatrix, region: Region): { matrix: [number, number, number, number]; odx: number; ody: number } {
  const [rr, rc, rt, cr, cc, ct] = matrix;
  // Output→input in (x, y): x_in = cc·x + cr·y + ct, y_in = rc·x + rr·y + rt; libvips wants the inverse.
  const det = cc * rr - cr * rc;
  const forward: [number, number, number, number] = [rr / det, -cr / det, -rc / det, cc / det];
  const [a, b, c, d] = forward;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[0, 0], [region.width, 0], [0, region.height], [region.width, region.height]] as const) {
    xs.push(a * x + b * y);
    ys.push(c * x + d * y);
  }
  const originX = ct - region.left;
  const originY = rt - region.top;
  return {
    matrix: forward,
    odx: roundHalfAwayFromZero(Math.min(...xs)) - (a * originX + b * originY),
    ody: roundHalfAwayFromZero(Math.min(...ys)) - (c * originX + d * originY),
  };
}

function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
}

async function pad(image: RgbImage, padding: { top: number; left: number; bottom: number; right: number }, fill: Fill): Promise<RgbImage> {
  const { data, info } = await fromRgbImage(image)
    .extend({ ...padding, extendWith: extendWith[fill.mode], background: { r: fill.cval, g: fill.cval, b: fill.cval } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return toRgbImage({ data, info });
}

function scaleBrightness(pipeline: Sharp, brightness: number | null): Sharp {
  return brightness === null ? pipeline : pipeline.linear(brightness, 0);
}

function cropTopLeft(data: Buffer, info: OutputInfo, height: number, width: number): RgbImage {
  if (info.width < width || info.height < height || info.channels !== 3) {
    throw new Error(`affine canvas ${info.width}×${info.height}×${info.channels} cannot hold the ${width}×${height} RGB output`);
  }
  const rowBytes = width * 3;
  const out = new Uint8Array(height * rowBytes);
  for (let row = 0; row < height; row++) {
    const start = row * info.width * 3;
    out.set(data.subarray(start, start + rowBytes), row * rowBytes);
  }
  return { data: out, width, height };
}

function fromRgbImage(image: RgbImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}
