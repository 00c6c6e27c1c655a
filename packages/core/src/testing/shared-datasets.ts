import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The real image sets live beside the repository in ../shared/datasets and are never copied into it.
 * Tests that need them put "(needs ../shared/datasets)" in their name and skip only when absent,
 * so a fresh clone without ../shared still passes its unit tests.
 */
const workspaceRoot = path.resolve(import.meta.dirname, '../../../..');

export const sharedDatasetsRoot = process.env['TLAB_DATA_ROOT'] ?? path.resolve(workspaceRoot, '../shared/datasets');

export function sharedDataset(name: string): string | undefined {
  const dir = path.join(sharedDatasetsRoot, name);
  return existsSync(dir) ? dir : undefined;
}
