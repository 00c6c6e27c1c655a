import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes `dir` with `build` unless it exists. `build` fills a fresh hidden folder beside `dir`, which
 * is then renamed into place, so a crash or a concurrent run never leaves a half-built `dir` that a
 * later run would trust; when another run finishes first, its folder is kept.
 */
export async function buildFolderOnce(dir: string, build: (tempDir: string) => Promise<void>): Promise<void> {
  if (await pathExists(dir)) {
    return;
  }
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const tempDir = await fs.mkdtemp(path.join(path.dirname(dir), `.${path.basename(dir)}.building-`));
  try {
    await build(tempDir);
    await fs.rename(tempDir, dir);
  } catch (error) {
    await fs.rm(tempDir, { recursive: true, force: true });
    if (!(await pathExists(dir))) {
      throw error;
    }
  }
}

export async function pathExists(target: string): Promise<boolean> {
  try {
    await fs.access(target);
    return true;
  } catch {
    return false;
  }
}
