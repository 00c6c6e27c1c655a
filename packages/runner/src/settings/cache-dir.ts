import { prepareFolderFor } from '@tlab/core';

/**
 * Creates the cache folder, or refuses it (TLAB_FOLDER_UNUSABLE) before anything is registered or
 * trained: a file there used to surface as an uncaught ENOTDIR after the runs were registered,
 * leaving them queued.
 */
export function prepareCacheDir(dir: string): void {
  prepareFolderFor('--cache-dir', dir, 'hold the cache');
}
