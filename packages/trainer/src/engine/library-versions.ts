import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

/** Walks up from the package's entry point: some packages' export maps hide their package.json. */
function packageVersion(name: string): string {
  let dir: string;
  try {
    dir = path.dirname(require.resolve(name));
  } catch {
    return 'not installed';
  }
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === name) return manifest.version ?? 'unknown';
  }
  return 'unknown';
}

/** Versions of every library that shapes a run's numbers, recorded with each run. */
export function libraryVersions(): Record<string, string> {
  return {
    ...tf.version,
    node: process.versions.node,
    sharp: packageVersion('sharp'),
    'better-sqlite3': packageVersion('better-sqlite3'),
    'onnxruntime-node': packageVersion('onnxruntime-node'),
    tlab: packageVersion('@tlab/core'),
  };
}
