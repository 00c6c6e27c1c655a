import { exitOnUncaught, failureReport, wantsStack } from '@tlab/core';
import { RunInterruptedError } from '@tlab/trainer';
import { runSweep } from '../sweep/run-sweep.ts';
import { runCacheCommand } from './cache-command.ts';
import { runDoctor } from './doctor.ts';
import { runEvaluateCommand } from './evaluate-command.ts';
import { runExportCommand } from './export-command.ts';
import { runPredictCommand } from './predict-command.ts';
import { runReproduceCommand } from './reproduce-command.ts';
import { runAbandonCommand, runGcCommand } from './runs-command.ts';
import { ConsoleReporter } from './console-reporter.ts';
import { trapInterrupts, type InterruptTrap } from './interrupt-signals.ts';
import { plainText } from './output.ts';
import { armProcessFaults, processRunSettings } from '../settings/run-settings.ts';
import { parseCliArgs, sweepOptionsOf, usage } from './parse-args.ts';

/**
 * Exit codes: 0 all variants done, 1 a variant failed or any other failure (one coded paragraph on
 * stderr, its stack only with --verbose or TLAB_DEBUG=1), 130 interrupted by Ctrl-C and 143 by
 * SIGTERM (as shells report them).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const verbose = wantsStack(argv);
  exitOnUncaught((text) => process.stderr.write(text), verbose);
  // Trapped only for the commands that train and watch the signal: the others stop at once, as by default.
  let interrupts: InterruptTrap | undefined;
  try {
    armProcessFaults();
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (args.command === 'doctor') return await runDoctor({ ...args, settings: processRunSettings(args.settingFlags) }, plainText(process.stdout));
    if (args.command === 'cache') return runCacheCommand(args.action, args.cacheDir, plainText(process.stdout));
    if (args.command === 'runs-gc') return runGcCommand(args.db, plainText(process.stdout));
    if (args.command === 'runs-abandon') return runAbandonCommand(args.db, plainText(process.stdout));
    // Loaded on demand: importing the UI (echarts, its routes) took 1.0–1.1 s more than core alone here, a cost other commands need not pay.
    if (args.command === 'report') return (await import('./report-command.ts')).runReportCommand(args, plainText(process.stdout));
    if (args.command === 'export') return await runExportCommand(args, processRunSettings(args.settingFlags), plainText(process.stdout));
    interrupts = trapInterrupts((signal) =>
      process.stderr.write(`\nInterrupting after the current batch (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)…\n`),
    );
    const io = { stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true, signal: interrupts.signal };
    if (args.command === 'predict') return await runPredictCommand(args, processRunSettings(args.settingFlags), io);
    if (args.command === 'evaluate') return await runEvaluateCommand(args, processRunSettings(args.settingFlags), io);
    if (args.command === 'reproduce') return await runReproduceCommand(args, processRunSettings(args.settingFlags), { ...io, isTTY: process.stdout.isTTY === true });
    if (args.command === 'worker') {
      // Loaded on demand, as BullMQ and its Redis client are.
      const { runWorkerCommand } = await import('./worker-command.ts');
      return await runWorkerCommand(args, processRunSettings(args.settingFlags), { ...io, isTTY: process.stdout.isTTY === true });
    }
    const reporter = new ConsoleReporter(process.stdout, process.stdout.isTTY === true);
    const outcome = await runSweep({ ...sweepOptionsOf(args, processRunSettings(args.settingFlags)), reporter, signal: interrupts.signal });
    return outcome.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof RunInterruptedError) {
      process.stderr.write(`Interrupted: ${interruptedOutcome(error.marked)}.\n`);
      return interrupts?.exitCode() ?? 130;
    }
    process.stderr.write(`${failureReport(error, { verbose })}\n`);
    return 1;
  } finally {
    interrupts?.release();
  }
}

/** What a Ctrl-C left behind, as far as this process knows (a sweep that only waited on others' leases marked nothing). */
function interruptedOutcome(marked: readonly string[] | undefined): string {
  if (marked === undefined) return 'runs in training are marked interrupted and resume on the next sweep';
  if (marked.length === 0) return 'no run of this process was training, so none was marked';
  return `run(s) ${marked.join(', ')} marked interrupted; they resume on the next sweep`;
}
