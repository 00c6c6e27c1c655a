import path from 'node:path';
import { formatBytes } from '@tlab/core';
import { FeatureCache } from '@tlab/trainer';
import { prepareCacheDir } from '../settings/cache-dir.ts';

/** `tlab cache stats|clear`: the feature cache only; datasets and converted models stay. */
export function runCacheCommand(action: 'stats' | 'clear', cacheDir: string, out: { write(text: string): unknown }): number {
  prepareCacheDir(cacheDir);
  const cache = new FeatureCache(path.join(cacheDir, 'features'));
  try {
    if (action === 'clear') cache.clear();
    const stats = cache.stats();
    out.write(
      `${action === 'clear' ? 'Cleared. ' : ''}Feature cache ${stats.file}: ${stats.entries} entries, ` +
        `${formatBytes(stats.bytes)} of a ${formatBytes(stats.budgetBytes)} budget\n`,
    );
    return 0;
  } finally {
    cache.close();
  }
}
