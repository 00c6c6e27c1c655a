import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The file name endings read as images, in any letter case. */
export const imageExtensions: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

export function isImageFileName(name: string): boolean {
  return imageExtensions.includes(path.extname(name).toLowerCase());
}

/** Code-point (= UTF-8 byte) order, as Python's `sorted`, so the order is the same on every machine and locale. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// Hidden entries (`.ipynb_checkpoints`, macOS `._photo.jpg` forks) are never data; Keras lists them
// and then fails on them or counts a bogus class.
function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/**
 * Class folders of a split, sorted: sub-folders, or links to folders, as Keras's `os.path.isdir`
 * sees them. Returns null when `splitDir` is not a folder.
 */
export async function listClassFolders(splitDir: string): Promise<string[] | null> {
  const entries = await readFolder(splitDir);
  if (entries === null) {
    return null;
  }
  const classes: string[] = [];
  for (const entry of entries) {
    if (!isHidden(entry.name) && (entry.isDirectory() || (entry.isSymbolicLink() && (await isFolder(path.join(splitDir, entry.name)))))) {
      classes.push(entry.name);
    }
  }
  return classes.sort(compareNames);
}

/**
 * Image files under a class folder as '/'-separated relative paths, sorted. Like Keras's
 * `os.walk(followlinks=False)` it descends real sub-folders but not links to folders, so a link
 * loop cannot make it run forever; links to files are listed, and reading them decides.
 */
export async function listImageFiles(classDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const entry of (await readFolder(path.join(classDir, relative))) ?? []) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (isHidden(entry.name)) {
        continue;
      }
      if (entry.isDirectory()) {
        await walk(child);
      } else if (isImageFileName(entry.name)) {
        found.push(child);
      }
    }
  };
  await walk('');
  return found.sort(compareNames);
}

async function readFolder(dir: string): Promise<Dirent[] | null> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isFsError(error, 'ENOENT', 'ENOTDIR', 'ELOOP')) {
      return null;
    }
    throw error;
  }
}

async function isFolder(target: string): Promise<boolean> {
  try {
    return (await fs.stat(target)).isDirectory();
  } catch (error) {
    if (isFsError(error, 'ENOENT', 'ENOTDIR', 'ELOOP')) {
      return false;
    }
    throw error;
  }
}

function isFsError(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && 'code' in error && codes.includes(String(error.code));
}
