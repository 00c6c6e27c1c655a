import path from 'node:path';
import type { RunSettings } from '../settings/run-settings.ts';
import { exportRun } from '../trained/export-run.ts';
import type { CliArgs } from './parse-args.ts';
import type { Output } from './output.ts';
import { prepareCacheDir } from '../settings/cache-dir.ts';

export async function runExportCommand(args: Extract<CliArgs, { command: 'export' }>, settings: RunSettings, out: Output): Promise<number> {
  prepareCacheDir(args.cacheDir);
  const files = await exportRun({ runId: args.runId, out: args.out, format: args.format, dbFile: args.db, cacheDir: args.cacheDir, settings });
  out.write(`Exported run ${args.runId} (${args.format}) to ${path.resolve(args.out)}: ${files.map((f) => path.basename(f)).join(', ')}\n`);
  return 0;
}
