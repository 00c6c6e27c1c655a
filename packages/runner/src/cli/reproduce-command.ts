import { escapeControlCharacters } from '@tlab/core';
import type { RunSettings } from '../settings/run-settings.ts';
import { reproduceRun } from '../trained/reproduce-run.ts';
import { ConsoleReporter } from './console-reporter.ts';
import type { Output } from './output.ts';
import type { CliArgs } from './parse-args.ts';
import { prepareCacheDir } from '../settings/cache-dir.ts';

/** `tlab reproduce`: exit 0 when every epoch and the checkpoint are identical, 1 when anything differs. */
export async function runReproduceCommand(
  args: Extract<CliArgs, { command: 'reproduce' }>,
  settings: RunSettings,
  io: { readonly stdout: Output; readonly isTTY: boolean; readonly signal: AbortSignal },
): Promise<number> {
  prepareCacheDir(args.cacheDir);
  const result = await reproduceRun({
    runId: args.runId,
    dbFile: args.db,
    cacheDir: args.cacheDir,
    settings,
    reporter: new ConsoleReporter(io.stdout, io.isTTY),
    signal: io.signal,
  });
  const lines = [`Backends: stored ${result.backends.original}; reproduced ${result.backends.reproduced}`];
  if (result.reproducedId !== result.runId) lines.push(`note: the stored config now gives variant id ${result.reproducedId}, not ${result.runId}`);
  const { firstDifference: first, checkpoint } = result;
  if (result.identical) {
    lines.push(`identical: every epoch's loss, accuracy, val_loss and val_accuracy, and the checkpoint (sha256 ${checkpoint.original ?? 'none'})`);
  } else {
    if (first === null) lines.push("every epoch's metrics are identical");
    else if (first.metric === 'epochs') lines.push(`different: the stored run has ${first.original} epochs, the reproduction ${first.reproduced}`);
    else lines.push(`different: first at epoch ${first.epoch}, ${first.metric}: stored ${first.original}, reproduced ${first.reproduced} (by ${Math.abs(first.original - first.reproduced)}); largest difference ${result.maxDifference}`);
    lines.push(checkpoint.original === checkpoint.reproduced ? `checkpoint identical (sha256 ${checkpoint.original ?? 'none'})` : `checkpoint differs: stored ${checkpoint.original ?? 'none'}, reproduced ${checkpoint.reproduced ?? 'none'}`);
  }
  io.stdout.write(escapeControlCharacters(`${lines.join('\n')}\n`));
  return result.identical ? 0 : 1;
}
