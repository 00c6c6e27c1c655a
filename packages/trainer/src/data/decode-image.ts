import sharp, { type SharpOptions } from 'sharp';
import { toRgbImage, type RgbImage } from '../augment/rgb-image.ts';

/** Pillow's decompression-bomb threshold: a small file claiming more pixels than this is refused. */
export const maxImagePixels = 89_478_485;

// 'error' refuses truncated and corrupt data but not the harmless warnings many real JPEGs carry.
const decodeOptions = { failOn: 'error', limitInputPixels: maxImagePixels } as const satisfies SharpOptions;

/**
 * Why `bytes` is not a usable image, or null when it decodes. Every pixel is decoded, so a
 * truncated file shows, but only a thumbnail is kept, so a large image costs no memory.
 */
export async function undecodableReason(bytes: Buffer): Promise<string | null> {
  if (bytes.length === 0) {
    return 'empty file (0 bytes)';
  }
  try {
    await sharp(bytes, decodeOptions).resize(8, 8, { fit: 'fill' }).raw().toBuffer();
    return null;
  } catch (error) {
    return describeDecodeError(error);
  }
}

/**
 * Decodes `file` to exactly height×width RGB, ignoring the aspect ratio like Keras's `target_size`;
 * grey is replicated to three channels and alpha dropped, as PIL's convert('RGB'). The file is
 * read and decoded on sharp's thread pool. Rejects with sharp's error.
 */
export async function decodeRgb(file: string, [height, width]: readonly [number, number]): Promise<RgbImage> {
  return toRgbImage(
    await sharp(file, decodeOptions).resize(width, height, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }),
  );
}

export function describeDecodeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /pixel limit/i.test(message)
    ? `more than ${maxImagePixels} pixels, refused as a possible decompression bomb`
    : `not a decodable image: ${message.split('\n')[0]}`;
}
