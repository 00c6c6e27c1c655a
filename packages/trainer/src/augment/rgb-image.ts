import type { OutputInfo } from 'sharp';

/** An 8-bit RGB image, row-major with interleaved channels (HWC), as sharp's raw output gives it. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** sharp's raw output as an RgbImage; the pipeline must have made it three channels. */
export function toRgbImage({ data, info }: { data: Buffer; info: OutputInfo }): RgbImage {
  if (info.channels !== 3) {
    throw new Error(`expected 3 channels from sharp, got ${info.channels}`);
  }
  return { data, width: info.width, height: info.height };
}
