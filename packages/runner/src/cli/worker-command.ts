import fs from 'node:fs';
import { FolderUnusableError, prepareFolderFor } from '@tlab/core';
import { prepareCacheDir } from '../settings/cache-dir.ts';
import type { RunSettings } from '../settings/run-settings.ts';
import { onnxThreadsPer } from '../distributed/onnx-threads.ts';
import { runQueueWorker } from '../distributed/queue/queue-worker.ts';
import { checkQueueReachable } from '../distributed/queue/queue-connection.ts';
import { ConsoleReporter } from './console-reporter.ts';
import type { WorkerArgs } from './parse-args.ts';

/** `tlab worker --queue redis://…`: trains queue jobs until Ctrl-C (or SIGTERM); a job in hand goes back to the queue. */
export async function runWorkerCommand(args: WorkerArgs, settings: RunSettings, io: { stdout: NodeJS.WritableStream; signal: AbortSignal; isTTY: boolean }): Promise<number> {
  prepareCacheDir(args.cacheDir);
  if (args.artifactsDir !== undefined) checkSharedArtifactsDir(args.artifactsDir);
  await checkQueueReachable(args.queue);
  const reporter = new ConsoleReporter(io.stdout, io.isTTY);
  await runQueueWorker({
    url: args.queue,
    cacheDir: args.cacheDir,
    settings,
    concurrency: args.concurrency,
    artifactsDir: args.artifactsDir,
    stalledSeconds: args.stalledSeconds,
    onnxThreads: args.onnxThreads ?? onnxThreadsPer(args.concurrency),
    reporter,
    signal: io.signal,
    onReady: () => io.stdout.write(`Worker on ${args.queue}: ${args.concurrency} job(s) at a time; Ctrl-C to stop.\n`),
  });
  return 0;
}

const artifactsPurpose = 'hold checkpoints for the coordinator';

/**
 * The coordinator DB's artifact folder, mounted here: it must exist already, since a mount that is
 * missing must not become a local folder whose checkpoints the coordinator never sees.
 */
function checkSharedArtifactsDir(dir: string): void {
  if (!fs.existsSync(dir)) throw new FolderUnusableError('--artifacts-dir', dir, artifactsPurpose, "it does not exist (mount the coordinator DB's artifact folder there)");
  prepareFolderFor('--artifacts-dir', dir, artifactsPurpose);
}
