import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** Versions of every library that shapes a run's numbers, recorded with each run. */
export function libraryVersions(): Record<string, string> {
  return {
    ...tf.version,
    node: process.versions.node,
    sharp: packageVersion('sharp'),
    'better-sqlite3': packageVersion('better-sqlite3'),
    tlab: packageVersion('@tlab/core'),
  };
}
