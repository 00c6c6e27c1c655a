import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The real image sets, weights and Keras files live beside the repository in ../shared and are
 * never copied into it. Tests that need them put "(needs ../shared/…)" in their name and skip only
 * when absent, so a fresh clone without ../shared still passes its unit tests.
 */
const workspaceRoot = path.resolve(import.meta.dirname, '../../../..');
const sharedRoot = path.resolve(workspaceRoot, '../shared');

export const sharedDatasetsRoot = process.env['TLAB_DATA_ROOT'] ?? path.join(sharedRoot, 'datasets');

export function sharedDataset(name: string): string | undefined {
  const dir = path.join(sharedDatasetsRoot, name);
  return existsSync(dir) ? dir : undefined;
}

/** A file or folder under ../shared (`weights/inception_v3_imagenet`, `fixtures/keras-h5`), if present. */
export function sharedPath(relative: string): string | undefined {
  const file = path.join(sharedRoot, relative);
  return existsSync(file) ? file : undefined;
}
