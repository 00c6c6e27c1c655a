import { escapeControlCharacters, toCsv } from '@tlab/core';
import type { RunSettings } from '../settings/run-settings.ts';
import { loadModel, predictImages } from '../trained/predict-images.ts';
import { formatTable, formatUnreadable } from './format.ts';
import { warnLine, type Output } from './output.ts';
import type { CliArgs } from './parse-args.ts';
import { prepareCacheDir } from '../settings/cache-dir.ts';

/** `tlab predict`: results on stdout in the chosen format, progress (on a terminal) and unreadable files on stderr. Exit 1 when no image could be classified. */
export async function runPredictCommand(
  args: Extract<CliArgs, { command: 'predict' }>,
  settings: RunSettings,
  io: { readonly stdout: Output; readonly stderr: Output; readonly isTTY: boolean },
): Promise<number> {
  prepareCacheDir(args.cacheDir);
  const model = await loadModel(args.target, { dbFile: args.db, cacheDir: args.cacheDir, settings, warn: warnLine(io.stderr) });
  try {
    const onProgress = io.isTTY ? (done: number, total: number) => io.stderr.write(`\rclassifying ${done}/${total} images on ${model.classifier.engine}…`) : undefined;
    const { predictions, unreadable } = await predictImages(model, args.inputs, { top: args.top, ...(onProgress ? { onProgress } : {}) });
    if (io.isTTY) io.stderr.write('\n');
    if (args.format === 'json') {
      io.stdout.write(`${JSON.stringify({ model: model.source, labels: model.labels, predictions, unreadable }, null, 2)}\n`);
    } else if (args.format === 'csv') {
      io.stdout.write(toCsv([['file', 'rank', 'label', 'probability'], ...predictions.flatMap((p) => p.top.map((t, i) => [escapeControlCharacters(p.file), i + 1, escapeControlCharacters(t.label), t.probability]))]));
    } else {
      const header = ['file', ...Array.from({ length: Math.min(args.top, model.labels.length) }, (_, i) => (args.top === 1 ? 'class' : `#${i + 1}`))];
      io.stdout.write(`${formatTable(header, predictions.map((p) => [p.file, ...p.top.map((t) => `${t.label} ${t.probability.toFixed(4)}`)]))}\n`);
    }
    if (unreadable.length > 0) io.stderr.write(formatUnreadable(unreadable, predictions.length > 0 ? 'and were left out' : 'so nothing was classified'));
    return predictions.length > 0 ? 0 : 1;
  } finally {
    model.classifier.dispose();
  }
}
