import { parseArgs } from 'node:util';
import { TlabError } from '@tlab/core';

export class UsageError extends TlabError {
  constructor(message: string) {
    super('TLAB_USAGE', `${message}; see tlab --help`);
  }
}

export const usage = `Usage: tlab sweep [options]

Options:
  --spec <file>        experiment spec (default: experiments/quickstart.yaml)
  --db <file>          results database (default: .tlab/tlab.db)
  --cache-dir <dir>    datasets and downloads cache (default: .tlab/cache)
  --data-root <dir>    folder that relative data paths resolve against (or TLAB_DATA_ROOT)
  --set <path=value>   override a spec field, e.g. --set train.epochs=3 (repeatable)
  --only <id>          run only this variant (repeatable)
  --dry-run            print the variant table and exit without training
  -h, --help           show this help`;

export interface SweepArgs {
  readonly command: 'sweep';
  readonly spec: string;
  readonly db: string;
  readonly cacheDir: string;
  readonly dataRoot: string | undefined;
  readonly overrides: readonly string[];
  readonly only: readonly string[];
  readonly dryRun: boolean;
}

export type CliArgs = SweepArgs | { readonly command: 'help' };

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        spec: { type: 'string', default: 'experiments/quickstart.yaml' },
        db: { type: 'string', default: '.tlab/tlab.db' },
        'cache-dir': { type: 'string', default: '.tlab/cache' },
        'data-root': { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        only: { type: 'string', multiple: true, default: [] },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command !== 'sweep') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  return {
    command,
    spec: values.spec,
    db: values.db,
    cacheDir: values['cache-dir'],
    dataRoot: values['data-root'] ?? process.env['TLAB_DATA_ROOT'],
    overrides: values.set,
    only: values.only,
    dryRun: values['dry-run'],
  };
}
