import { isTlabError } from '@tlab/core';
import { runSweep } from '../sweep/run-sweep.ts';
import { runCacheCommand } from './cache-command.ts';
import { runDoctor } from './doctor.ts';
import { runEvaluateCommand } from './evaluate-command.ts';
import { runExportCommand } from './export-command.ts';
import { runPredictCommand } from './predict-command.ts';
import { runReproduceCommand } from './reproduce-command.ts';
import { runGcCommand } from './runs-command.ts';
import { ConsoleReporter } from './console-reporter.ts';
import { formatForCli } from './format-error.ts';
import { armProcessFaults, processRunSettings } from '../settings/run-settings.ts';
import { parseCliArgs, sweepOptionsOf, usage } from './parse-args.ts';

/** Exit codes: 0 all variants done, 1 a variant failed or bad input, 130 interrupted (as shells report SIGINT). */
export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nInterrupting after the current batch (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    armProcessFaults();
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (args.command === 'doctor') return await runDoctor({ ...args, backend: processRunSettings({}).backend }, process.stdout);
    if (args.command === 'cache') return runCacheCommand(args.action, args.cacheDir, process.stdout);
    if (args.command === 'runs-gc') return runGcCommand(args.db, process.stdout);
    // Loaded on demand: importing the UI (echarts, its routes) took 1.0–1.1 s more than core alone here, a cost other commands need not pay.
    if (args.command === 'report') return (await import('./report-command.ts')).runReportCommand(args, process.stdout);
    const io = { stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true, signal: controller.signal };
    if (args.command === 'export') return await runExportCommand(args, processRunSettings(args.settingFlags), process.stdout);
    if (args.command === 'predict') return await runPredictCommand(args, processRunSettings(args.settingFlags), io);
    if (args.command === 'evaluate') return await runEvaluateCommand(args, processRunSettings(args.settingFlags), io);
    if (args.command === 'reproduce') return await runReproduceCommand(args, processRunSettings(args.settingFlags), { ...io, isTTY: process.stdout.isTTY === true });
    const reporter = new ConsoleReporter(process.stdout, process.stdout.isTTY === true);
    const outcome = await runSweep({ ...sweepOptionsOf(args, processRunSettings(args.settingFlags)), reporter, signal: controller.signal });
    return outcome.failed > 0 ? 1 : 0;
  } catch (error) {
    if (isTlabError(error, 'TLAB_INTERRUPTED')) {
      process.stderr.write('Interrupted: the current run is marked interrupted and resumes on the next sweep.\n');
      return 130;
    }
    if (isTlabError(error)) {
      process.stderr.write(`${formatForCli(error)}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
