import { exitOnUncaught, failureReport, wantsStack } from '@tlab/core';
import { RunInterruptedError } from '@tlab/trainer/options';
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
    // Each command's modules load when it runs. The ML stack (tfjs, ONNX Runtime, sharp) took 1.0–1.1 s
    // to import here, the UI (echarts, its routes) as much again, BullMQ and its Redis client more:
    // `tlab --help` took 2.0 s when main imported every command, 0.7 s since.
    const out = plainText(process.stdout);
    if (args.command === 'doctor') return await (await import('./doctor.ts')).runDoctor({ ...args, settings: processRunSettings(args.settingFlags) }, out);
    if (args.command === 'cache') return (await import('./cache-command.ts')).runCacheCommand(args.action, args.cacheDir, out);
    if (args.command === 'runs-gc') return (await import('./runs-command.ts')).runGcCommand(args.db, out);
    if (args.command === 'runs-abandon') return (await import('./runs-command.ts')).runAbandonCommand(args.db, out);
    if (args.command === 'report') return (await import('./report-command.ts')).runReportCommand(args, out);
    if (args.command === 'export') return await (await import('./export-command.ts')).runExportCommand(args, processRunSettings(args.settingFlags), out);
    interrupts = trapInterrupts((signal) =>
      process.stderr.write(`\nInterrupting after the current batch (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)…\n`),
    );
    const io = { stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true, signal: interrupts.signal };
    const stdoutIo = { ...io, isTTY: process.stdout.isTTY === true };
    if (args.command === 'predict') return await (await import('./predict-command.ts')).runPredictCommand(args, processRunSettings(args.settingFlags), io);
    if (args.command === 'evaluate') return await (await import('./evaluate-command.ts')).runEvaluateCommand(args, processRunSettings(args.settingFlags), io);
    if (args.command === 'reproduce') return await (await import('./reproduce-command.ts')).runReproduceCommand(args, processRunSettings(args.settingFlags), stdoutIo);
    if (args.command === 'worker') return await (await import('./worker-command.ts')).runWorkerCommand(args, processRunSettings(args.settingFlags), stdoutIo);
    const settings = processRunSettings(args.settingFlags);
    const options = sweepOptionsOf(args, settings);
    // Forked before this process loads the ML stack, which each worker loads too: a worker received
    // its first message 0.9 s sooner than when runSweep forked it (4.4 s against 5.3 s after start).
    const pool = (await import('../distributed/local-workers.ts')).startSweepWorkers(options, settings, args.workers);
    try {
      const { runSweep } = await import('../sweep/run-sweep.ts');
      const outcome = await runSweep({ ...options, pool, reporter: new ConsoleReporter(process.stdout, process.stdout.isTTY === true), signal: interrupts.signal });
      return outcome.failed > 0 ? 1 : 0;
    } finally {
      pool?.close();
    }
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
