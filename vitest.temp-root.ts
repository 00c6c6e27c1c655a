import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Vitest global setup: points TMPDIR at one fresh folder for the whole test run and removes it at
 * the end. Tests make hundreds of throwaway workspaces (mkdtemp, child sweeps, browser profiles);
 * the test workers and the processes they spawn inherit TMPDIR, so a run leaves nothing behind.
 */
export default function useTemporaryRoot(): () => void {
  const previous = process.env['TMPDIR'];
  const root = mkdtempSync(path.join(os.tmpdir(), 'tlab-test-run-'));
  process.env['TMPDIR'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
