import { DataUnreadableError } from '../data/data-errors.ts';
import type { DatasetItem } from '../data/dataset.ts';
import { loadImageBatch } from '../data/load-image-batch.ts';
import type { Preprocessing } from '../data/preprocessing.ts';
import type { ImageClassifier } from './image-classifier.ts';

export interface ClassifyFilesOptions {
  readonly imageSize: readonly [number, number];
  readonly preprocessing: Preprocessing;
  readonly batchSize: number;
  readonly classCount: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ClassifiedFile {
  readonly file: string;
  readonly probabilities: readonly number[];
}

export interface UnreadableFile {
  readonly file: string;
  readonly reason: string;
}

/**
 * Decodes and preprocesses `files` exactly as training's validation pass does (same resize, same
 * preprocessing, no augmentation), in batches, and classifies them. A file that cannot be decoded
 * is listed with its reason; the others are still classified.
 */
export async function classifyFiles(
  classifier: ImageClassifier,
  files: readonly string[],
  options: ClassifyFilesOptions,
): Promise<{ classified: ClassifiedFile[]; unreadable: UnreadableFile[] }> {
  const classified: ClassifiedFile[] = [];
  const unreadable: UnreadableFile[] = [];
  for (let start = 0; start < files.length; start += options.batchSize) {
    const batch = files.slice(start, start + options.batchSize);
    const readable: string[] = [];
    let pixels: Float32Array;
    try {
      pixels = (await load(batch, options)).pixels;
      readable.push(...batch);
    } catch (error) {
      if (!(error instanceof DataUnreadableError)) throw error;
      // One bad file spoils its batch: load the batch's files one by one to tell which.
      const parts: Float32Array[] = [];
      for (const file of batch) {
        try {
          parts.push((await load([file], options)).pixels);
          readable.push(file);
        } catch (single) {
          if (!(single instanceof DataUnreadableError)) throw single;
          unreadable.push({ file, reason: single.reason });
        }
      }
      pixels = concat(parts);
    }
    if (readable.length > 0) {
      const probabilities = await classifier.classify(pixels, readable.length);
      readable.forEach((file, i) => classified.push({ file, probabilities: Array.from(probabilities.subarray(i * options.classCount, (i + 1) * options.classCount)) }));
    }
    options.onProgress?.(Math.min(start + batch.length, files.length), files.length);
  }
  return { classified, unreadable };
}

function load(files: readonly string[], options: ClassifyFilesOptions) {
  const items: DatasetItem[] = files.map((file) => ({ path: file, label: 0, sha256: '' }));
  return loadImageBatch(items, { imageSize: options.imageSize, preprocessing: options.preprocessing, augment: null, seed: 0, epoch: 0, sampleIds: items.map((_, i) => i) });
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
