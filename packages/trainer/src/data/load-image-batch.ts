import { applyTransform } from '../augment/apply-transform.ts';
import { drawTransform } from '../augment/draw-transform.ts';
import type { RgbImage } from '../augment/rgb-image.ts';
import { stat } from 'node:fs/promises';
import { notRegularFile, type AugmentConfig } from '@tlab/core';
import { DataUnreadableError } from './data-errors.ts';
import type { DatasetItem, ImageBatch } from './dataset.ts';
import { decodeRgb, describeDecodeError } from './decode-image.ts';
import { decodeConcurrency, mapWithConcurrency } from './map-with-concurrency.ts';
import { writePreprocessed, type Preprocessing } from './preprocessing.ts';

export interface LoadImageBatchOptions {
  readonly imageSize: readonly [height: number, width: number];
  readonly preprocessing: Preprocessing;
  /** null: no augmentation (validation, feature caching). */
  readonly augment: AugmentConfig | null;
  readonly seed: number;
  readonly epoch: number;
  /** One per item: the id its augmentation is drawn for, so a sample's transform does not depend on its batch. */
  readonly sampleIds: readonly number[];
}

/**
 * Decodes, resizes, augments and preprocesses `items` into one NHWC float32 batch. Only this batch is
 * ever in memory; decoding and warping run on sharp's thread pool, a bounded number at a time.
 */
export async function loadImageBatch(items: readonly DatasetItem[], options: LoadImageBatchOptions): Promise<ImageBatch> {
  const { imageSize, preprocessing, augment, seed, epoch, sampleIds } = options;
  if (sampleIds.length !== items.length) {
    throw new RangeError(`loadImageBatch: ${items.length} items but ${sampleIds.length} sample ids`);
  }
  const valuesPerImage = imageSize[0] * imageSize[1] * 3;
  const pixels = new Float32Array(items.length * valuesPerImage);
  await mapWithConcurrency(items, decodeConcurrency, async (item, index) => {
    const decoded = await decode(item.path, imageSize);
    const image =
      augment === null
        ? decoded
        : await applyTransform(decoded, drawTransform(augment, seed, epoch, sampleIds[index] as number, imageSize), {
            mode: augment.fill_mode,
            cval: augment.cval,
          });
    writePreprocessed(image.data, pixels, index * valuesPerImage, preprocessing);
  });
  return { pixels, labels: Int32Array.from(items, (item) => item.label), size: items.length };
}

async function decode(file: string, imageSize: readonly [number, number]): Promise<RgbImage> {
  try {
    // sharp would open a FIFO (or a device) put in the image's place and wait on it for good.
    const kind = notRegularFile(await stat(file));
    if (kind !== undefined) throw new DataUnreadableError(file, `it is ${kind}, not an image file`);
    return await decodeRgb(file, imageSize);
  } catch (error) {
    if (error instanceof DataUnreadableError) throw error;
    throw new DataUnreadableError(file, describeDecodeError(error), { cause: error });
  }
}
