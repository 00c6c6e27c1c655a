import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { SpecInput } from '../spec/schema.ts';
import { writePng } from './write-png.ts';

/**
 * The smallest real experiment: the in-code tiny_cnn backbone on 16×16 images in a throwaway
 * folder, so a sweep trains end to end in seconds with no shared data.
 */
const baseSpec = {
  name: 'tiny',
  seed: 3,
  data: { train: 'images/train', validation: 'images/validation', image_size: 16 },
  backbone: { name: 'tiny_cnn', cutoff: 'block2' },
  head: { pooling: 'avg', units: 8, dropout: 0.1 },
  train: { optimizer: 'adam', learning_rate: 0.01, batch_size: 4, epochs: 2 },
  augment: 'none',
} satisfies SpecInput;

const imageSize = baseSpec.data.image_size;

/** The sections the base spec sets, which overrides amend key by key rather than replace. */
const mergedSections = ['data', 'backbone', 'head', 'train'] as const;
type MergedSection = (typeof mergedSections)[number];

export type TinySpecOverrides = Partial<Omit<SpecInput, MergedSection>> & {
  readonly [S in MergedSection]?: Partial<NonNullable<SpecInput[S]>>;
};

/** The order a person would write a spec in, whatever order the overrides came in. */
const keyOrder = ['name', 'description', 'seed', 'metric', 'data', 'backbone', 'head', 'train', 'augment', 'sweep'] as const satisfies ReadonlyArray<keyof SpecInput>;

/** The tiny spec as YAML, with `overrides` merged one level deep into the base. */
export function tinySpecText(overrides: TinySpecOverrides = {}): string {
  const merged: Record<string, unknown> = { ...baseSpec, ...overrides };
  for (const section of mergedSections) merged[section] = { ...baseSpec[section], ...overrides[section] };
  const ordered = Object.fromEntries(keyOrder.filter((key) => merged[key] !== undefined).map((key) => [key, merged[key]]));
  // No folding: a long description stays on one line, as a person would write it.
  return stringify(ordered, { lineWidth: 0 });
}

export type Rgb = readonly [number, number, number];

export interface TinyImageOptions {
  /** Class name → the colour of its images. */
  readonly classes: Readonly<Record<string, Rgb>>;
  /** Images per class in each split. */
  readonly counts: { readonly train: number; readonly validation: number };
  /** Added to every channel of the i-th image, times i, so that no two images of a class are alike. */
  readonly step?: number;
  /** Seeds a per-image brightness shift and per-pixel noise: learnable, but not in one epoch. */
  readonly noiseSeed?: number;
}

/** Two grey levels far apart: learnable at once, and (by the step) 12 distinct images repeated in validation. */
const darkAndBright: TinyImageOptions = { classes: { dark: [40, 40, 40], bright: [210, 210, 210] }, counts: { train: 6, validation: 6 }, step: 5 };

/** Offsets in [-60, 60] from a fixed LCG, so the same seed always draws the same images. */
function seededNoise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return ((state >>> 16) % 121) - 60;
  };
}

/** Writes `root/images/<split>/<class>/<i>.png`, the folders the tiny spec's data section names. */
export function writeTinyImages(root: string, options: TinyImageOptions = darkAndBright): void {
  const { classes, counts, step = 0, noiseSeed } = options;
  const noise = noiseSeed === undefined ? () => 0 : seededNoise(noiseSeed);
  const clamp = (v: number): number => Math.max(0, Math.min(255, v));
  for (const split of ['train', 'validation'] as const) {
    for (const [name, [r, g, b]] of Object.entries(classes)) {
      const folder = path.join(root, 'images', split, name);
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < counts[split]; i++) {
        // Draw order (shift, then r, g, b per pixel) is part of what a seed means: keep it.
        const shift = i * step + noise();
        writePng(path.join(folder, `${i}.png`), imageSize, imageSize, () => [clamp(r + shift + noise()), clamp(g + shift + noise()), clamp(b + shift + noise())]);
      }
    }
  }
}

export interface TinyWorkspace {
  readonly dir: string;
  readonly spec: string;
  readonly db: string;
  readonly cacheDir: string;
}

/** A new temporary folder with the images and the spec file, and where a sweep's DB and cache go. */
export function tinyWorkspace(specText: string, images: TinyImageOptions = darkAndBright, specFile = 'tiny.yaml'): TinyWorkspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tlab-tiny-'));
  writeTinyImages(dir, images);
  const spec = path.join(dir, specFile);
  writeFileSync(spec, specText);
  return { dir, spec, db: path.join(dir, 'tlab.db'), cacheDir: path.join(dir, 'cache') };
}
