import { escapeControlCharacters } from '@tlab/core';
import { formatMetric, formatTable, formatUnreadable } from './format.ts';
import type { RunSettings } from '../settings/run-settings.ts';
import { evaluateRun } from '../trained/evaluate-run.ts';
import { warnLine, type Output } from './output.ts';
import type { CliArgs } from './parse-args.ts';
import { prepareCacheDir } from '../settings/cache-dir.ts';

/** `tlab evaluate`: accuracy, per-class accuracy and the confusion matrix of a run on a labelled folder. */
export async function runEvaluateCommand(
  args: Extract<CliArgs, { command: 'evaluate' }>,
  settings: RunSettings,
  io: { readonly stdout: Output; readonly stderr: Output; readonly isTTY: boolean },
): Promise<number> {
  prepareCacheDir(args.cacheDir);
  const onProgress = io.isTTY ? (done: number, total: number) => io.stderr.write(`\revaluating ${done}/${total} images…`) : undefined;
  const result = await evaluateRun(args.runId, args.data, { dbFile: args.db, cacheDir: args.cacheDir, settings, warn: warnLine(io.stderr), ...(onProgress ? { onProgress } : {}) });
  if (io.isTTY) io.stderr.write('\n');
  const { classes, matrix } = result;
  io.stdout.write(
    [
      `Run ${args.runId} on ${escapeControlCharacters(args.data)}: accuracy ${formatMetric(result.accuracy)} (${result.correct} of ${result.images} images)`,
      '',
      formatTable(
        ['true \\ predicted', ...classes, 'accuracy'],
        classes.map((name, i) => [name, ...matrix[i]!.map(String), formatMetric(result.perClassAccuracy[i])]),
      ),
      '',
    ].join('\n'),
  );
  if (result.unreadable.length > 0) io.stderr.write(formatUnreadable(result.unreadable, 'and were left out'));
  return 0;
}
