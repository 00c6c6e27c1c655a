import { parseArgs } from 'node:util';
import { TlabError } from '@tlab/core';
import { exportFormats, featurePrecisions, frozenEngines, type ExportFormat, type FeaturePrecision } from '@tlab/trainer/options';
import { sweepStrategies, type SweepStrategy } from '../sweep/plan-groups.ts';
import type { SweepOptions } from '../sweep/run-sweep.ts';
import type { RunSettings, SettingFlags } from '../settings/run-settings.ts';

export class UsageError extends TlabError {
  constructor(message: string) {
    super('TLAB_USAGE', `${message}; see tlab --help`);
  }
}

export const usage = `Usage:
  tlab sweep [options]         train every variant of a spec not yet done
  tlab cache stats|clear       show or empty the feature cache
  tlab doctor                  check the install, the engines, the results DB and its artifacts,
                               and whether runs left running can still be resumed (--data-root,
                               --weights-dir as for sweep)
  tlab export <run-id> --out <dir> [--format tfjs|onnx]
                               write a finished run as one model (backbone + trained head) with
                               metadata.json, in Teachable Machine's layout
  tlab predict <export-dir | run-id> <image or folder>... [--format table|csv|json] [--top k]
                               classify images as training saw them (same resize, preprocessing)
  tlab evaluate <run-id> --data <folder>
                               accuracy, per-class accuracy and confusion matrix of a run on a
                               folder with one sub-folder per class (the run's classes)
  tlab reproduce <run-id>      retrain a stored run in a scratch DB and compare every epoch and
                               the checkpoint: identical, or where and by how much they differ
  tlab runs gc                 delete checkpoint files no run in the DB references
  tlab runs abandon            mark interrupted every run left running by a process that is gone
                               (its lease expired, or its pid is dead on this host)
  tlab worker --queue <url>    train jobs from a queue that \`tlab sweep --queue\` fills
  tlab report <experiment> [--out <dir>]
                               a Markdown report of an experiment (by name or id): leaderboard,
                               effects with 95% CIs and Holm-adjusted p, forest plot and curves
                               as SVG, in <dir> (default: tlab-report-<name>)

Sweep options:
  --spec <file>        experiment spec (default: experiments/quickstart.yaml)
  --set <path=value>   override a spec field, e.g. --set train.epochs=3 (repeatable)
  --only <id>          run only this variant (repeatable)
  --dry-run            print the variant table and exit without training
  --data-root <dir>    folder that relative data paths resolve against (or TLAB_DATA_ROOT)
  --weights-dir <dir>  folder searched first for ImageNet weights (or TLAB_WEIGHTS_DIR); then
                       <cache-dir>/weights and ~/.keras/models, else downloaded once
                       (never with TLAB_OFFLINE=1)
  --strategy <s>       planned (default: share frozen passes, cache features) or naive (every
                       variant alone, features recomputed each epoch, as Keras does)
  --frozen-engine <e>  onnx (default) or tfjs for the frozen backbone (or TLAB_FROZEN_ENGINE)
  --feature-precision <p>  float16 (default) or float32 for cached features
  --cache-budget-mb <n>    disk budget of the feature cache, least recently used evicted (default 4096)
  --workers <n>        train with n workers, this process and n − 1 forked ones (default 1, at
                       most 64): each takes a job of variants that share a frozen pass and an
                       augmentation draw; ONNX Runtime's threads are split between them
  --queue <url>        redis://host:port[/db]: put the jobs on a BullMQ queue for \`tlab worker\`s
                       on any machine and commit what they report (this process stays the only
                       writer of the DB); run it again to re-attach after a crash

Worker options (tlab worker --queue <url>: train jobs from the queue until Ctrl-C or SIGTERM):
  --data-root, --weights-dir, --cache-dir   this machine's data, weights and cache
  --concurrency <n>    jobs at once (default 1)
  --artifacts-dir <d>  the coordinator DB's artifact folder, shared, for checkpoints over 32 MiB
  --stalled-seconds <s>  how soon another worker takes the job of one that stopped (default 30)
  --onnx-threads <n>   ONNX Runtime threads per job (default: the cores / --concurrency); give
                       cores / workers when several workers share a machine

Options of export, predict, evaluate and reproduce:
  --data-root, --weights-dir   as for sweep: where the run's data and backbone weights are found
  --out <dir>          export, report: the folder to write (created if missing)
  --format <f>         export: tfjs (default) or onnx; predict: table (default), csv or json
  --top <k>            predict: how many classes to list per image (default 1)
  --data <folder>      evaluate: the labelled folder

Common options:
  --db <file>          results database (default: .tlab/tlab.db)
  --cache-dir <dir>    datasets, converted models and features (default: .tlab/cache)
  --verbose            on a failure, print its stack too (or TLAB_DEBUG=1)
  -h, --help           show this help`;

export interface SweepArgs {
  readonly command: 'sweep';
  readonly spec: string;
  readonly db: string;
  readonly cacheDir: string;
  /** Flags that an environment variable can also set; resolved with it by resolveRunSettings. */
  readonly settingFlags: SettingFlags;
  readonly overrides: readonly string[];
  readonly only: readonly string[];
  readonly dryRun: boolean;
  readonly strategy: SweepStrategy;
  readonly featurePrecision: FeaturePrecision;
  readonly cacheBudgetBytes: number;
  readonly workers: number;
  /** redis://host:port[/db]: enqueue the jobs for `tlab worker`s instead of training here. */
  readonly queue: string | undefined;
}

export interface WorkerArgs {
  readonly command: 'worker';
  readonly queue: string;
  readonly cacheDir: string;
  readonly settingFlags: SettingFlags;
  readonly concurrency: number;
  readonly artifactsDir: string | undefined;
  readonly stalledSeconds: number;
  readonly onnxThreads: number | undefined;
}

/** What every command that opens a stored run needs: the DB, the cache, and where data and weights are. */
export interface StoredRunArgs {
  readonly db: string;
  readonly cacheDir: string;
  readonly settingFlags: SettingFlags;
}

export const predictFormats = ['table', 'csv', 'json'] as const;
export type PredictFormat = (typeof predictFormats)[number];

export type CliArgs =
  | SweepArgs
  | WorkerArgs
  | { readonly command: 'cache'; readonly action: 'stats' | 'clear'; readonly cacheDir: string }
  | { readonly command: 'doctor'; readonly db: string; readonly cacheDir: string; readonly settingFlags: SettingFlags }
  | ({ readonly command: 'export'; readonly runId: string; readonly out: string; readonly format: ExportFormat } & StoredRunArgs)
  | ({ readonly command: 'predict'; readonly target: string; readonly inputs: readonly string[]; readonly format: PredictFormat; readonly top: number } & StoredRunArgs)
  | ({ readonly command: 'evaluate'; readonly runId: string; readonly data: string } & StoredRunArgs)
  | ({ readonly command: 'reproduce'; readonly runId: string } & StoredRunArgs)
  | { readonly command: 'runs-gc'; readonly db: string }
  | { readonly command: 'runs-abandon'; readonly db: string }
  | { readonly command: 'report'; readonly experiment: string; readonly db: string; readonly out: string | undefined }
  | { readonly command: 'help' };


export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      tokens: true,
      options: {
        spec: { type: 'string', default: 'experiments/quickstart.yaml' },
        db: { type: 'string', default: '.tlab/tlab.db' },
        'cache-dir': { type: 'string', default: '.tlab/cache' },
        'data-root': { type: 'string' },
        'weights-dir': { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        only: { type: 'string', multiple: true, default: [] },
        'dry-run': { type: 'boolean', default: false },
        strategy: { type: 'string', default: 'planned' },
        'frozen-engine': { type: 'string' },
        'feature-precision': { type: 'string', default: 'float16' },
        'cache-budget-mb': { type: 'string', default: '4096' },
        workers: { type: 'string', default: '1' },
        queue: { type: 'string' },
        concurrency: { type: 'string', default: '1' },
        'artifacts-dir': { type: 'string' },
        'stalled-seconds': { type: 'string', default: '30' },
        'onnx-threads': { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        top: { type: 'string', default: '1' },
        data: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  const takes = command === undefined ? undefined : flagsOf[command];
  // A flag the command does not read was once silently ignored (doctor --frozen-engine bogus: all passed).
  for (const token of tokens) {
    if (takes !== undefined && token.kind === 'option' && token.name !== 'verbose' && !takes.includes(token.name)) {
      throw new UsageError(`tlab ${command} does not take --${token.name} (it takes ${takes.map((flag) => `--${flag}`).join(', ')})`);
    }
  }
  const noMoreArguments = (allowed: number) => {
    if (rest.length > allowed) throw new UsageError(`unexpected argument '${rest[allowed]}'`);
  };
  const storedRun: StoredRunArgs = {
    db: values.db,
    cacheDir: values['cache-dir'],
    settingFlags: { dataRoot: values['data-root'], weightsDir: values['weights-dir'] },
  };
  const positional = (what: string): string => {
    if (rest[0] === undefined) throw new UsageError(`tlab ${command} needs ${what}`);
    return rest[0];
  };
  const required = (flag: string, value: string | undefined): string => {
    if (value === undefined) throw new UsageError(`tlab ${command} needs ${flag}`);
    return value;
  };
  switch (command) {
    case 'export':
      noMoreArguments(1);
      return {
        command,
        runId: positional('a run id'),
        out: required('--out <dir>', values.out),
        format: oneOf('--format', values.format ?? 'tfjs', exportFormats),
        ...storedRun,
      };
    case 'predict':
      if (rest.length < 2) throw new UsageError('tlab predict needs an export folder or a run id, then images or folders');
      return {
        command,
        target: rest[0]!,
        inputs: rest.slice(1),
        format: oneOf('--format', values.format ?? 'table', predictFormats),
        top: positiveInteger('--top', values.top),
        ...storedRun,
      };
    case 'evaluate':
      noMoreArguments(1);
      return { command, runId: positional('a run id'), data: required('--data <folder>', values.data), ...storedRun };
    case 'reproduce':
      noMoreArguments(1);
      return { command, runId: positional('a run id'), ...storedRun };
    case 'runs':
      noMoreArguments(1);
      return { command: `runs-${oneOf('tlab runs', rest[0] ?? '', ['gc', 'abandon'] as const)}`, db: values.db };
    case 'report':
      noMoreArguments(1);
      return { command, experiment: positional('an experiment name or id'), db: values.db, out: values.out };
    case 'cache': {
      noMoreArguments(1);
      return { command, action: oneOf('tlab cache', rest[0] ?? '', ['stats', 'clear'] as const), cacheDir: values['cache-dir'] };
    }
    case 'doctor':
      noMoreArguments(0);
      return { command, db: values.db, cacheDir: values['cache-dir'], settingFlags: { dataRoot: values['data-root'], weightsDir: values['weights-dir'] } };
    case 'sweep':
      noMoreArguments(0);
      return {
        command,
        spec: values.spec,
        db: values.db,
        cacheDir: values['cache-dir'],
        settingFlags: {
          dataRoot: values['data-root'],
          weightsDir: values['weights-dir'],
          frozenEngine: values['frozen-engine'] === undefined ? undefined : oneOf('--frozen-engine', values['frozen-engine'], frozenEngines),
        },
        overrides: values.set,
        only: values.only,
        dryRun: values['dry-run'],
        strategy: oneOf('--strategy', values.strategy, sweepStrategies),
        featurePrecision: oneOf('--feature-precision', values['feature-precision'], featurePrecisions),
        cacheBudgetBytes: positiveNumber('--cache-budget-mb', values['cache-budget-mb']) * 1024 * 1024,
        workers: positiveInteger('--workers', values.workers, maxParallel),
        queue: values.queue,
      };
    case 'worker':
      noMoreArguments(0);
      return {
        command,
        queue: required('--queue <redis://host:port[/db]>', values.queue),
        cacheDir: values['cache-dir'],
        settingFlags: { dataRoot: values['data-root'], weightsDir: values['weights-dir'] },
        concurrency: positiveInteger('--concurrency', values.concurrency, maxParallel),
        artifactsDir: values['artifacts-dir'],
        stalledSeconds: positiveInteger('--stalled-seconds', values['stalled-seconds'], maxStalledSeconds),
        onnxThreads: values['onnx-threads'] === undefined ? undefined : positiveInteger('--onnx-threads', values['onnx-threads'], maxParallel),
      };
    default:
      throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  }
}

const storedRunFlags = ['db', 'cache-dir', 'data-root', 'weights-dir'];

/** The flags each command reads (besides --verbose and --help). */
const flagsOf: Readonly<Record<string, readonly string[]>> = {
  sweep: ['spec', ...storedRunFlags, 'set', 'only', 'dry-run', 'strategy', 'frozen-engine', 'feature-precision', 'cache-budget-mb', 'workers', 'queue'],
  worker: ['queue', 'cache-dir', 'data-root', 'weights-dir', 'concurrency', 'artifacts-dir', 'stalled-seconds', 'onnx-threads'],
  export: [...storedRunFlags, 'out', 'format'],
  predict: [...storedRunFlags, 'format', 'top'],
  evaluate: [...storedRunFlags, 'data'],
  reproduce: storedRunFlags,
  doctor: storedRunFlags,
  runs: ['db'],
  report: ['db', 'out'],
  cache: ['cache-dir'],
};

/** What a parsed `tlab sweep` asks runSweep for, with `settings` resolved; the caller adds how to report and when to stop. */
export function sweepOptionsOf(args: SweepArgs, settings: RunSettings): Omit<SweepOptions, 'reporter' | 'signal'> {
  return {
    specFile: args.spec,
    dbFile: args.db,
    cacheDir: args.cacheDir,
    settings,
    overrides: args.overrides,
    only: args.only,
    dryRun: args.dryRun,
    strategy: args.strategy,
    featureCache: { precision: args.featurePrecision, budgetBytes: args.cacheBudgetBytes },
    queue: args.queue,
  };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} ${value}: expected one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * Processes, jobs or threads one machine may start: each worker holds engines of its own, so past
 * this a slip (`--workers 1000`) could only run out of memory.
 */
const maxParallel = 64;
/** BullMQ's stalled check runs on a timer, and Node's timers overflow past 24.8 days (to 1 ms). */
const maxStalledSeconds = 24 * 3600;

function positiveInteger(flag: string, value: string, max?: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > (max ?? Infinity)) throw new UsageError(`${flag} ${value}: expected a whole number from 1${max === undefined ? '' : ` to ${max}`}`);
  return number;
}

function positiveNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new UsageError(`${flag} ${value}: expected a positive number`);
  return number;
}
