import type { Stats } from 'node:fs';

/**
 * What `stats` describes when it is not a regular file ('a folder', 'a FIFO (named pipe)', …), or
 * undefined for a regular file. Opening a FIFO for reading waits until something writes to it, and
 * a device such as /dev/zero never ends: the hostile-input rerun hung on the first (signals could
 * not stop it) and grew to 23.6 GB on the second. Every reader of a path a user named asks this
 * first, of `stat` (links followed), before it opens the file.
 */
export function notRegularFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
