import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './parse-args.ts';

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toMatchObject({ code: 'TLAB_USAGE' });
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseCliArgs', () => {
  it('bounds process, job and thread counts and the stalled wait, which were unbounded', () => {
    expect(usageError(['sweep', '--workers', '100000'])).toBe('--workers 100000: expected a whole number from 1 to 64; see tlab --help');
    expect(usageError(['worker', '--queue', 'redis://127.0.0.1:6379', '--concurrency', '65'])).toBe('--concurrency 65: expected a whole number from 1 to 64; see tlab --help');
    expect(usageError(['worker', '--queue', 'redis://127.0.0.1:6379', '--onnx-threads', '1e9'])).toBe('--onnx-threads 1e9: expected a whole number from 1 to 64; see tlab --help');
    expect(usageError(['worker', '--queue', 'redis://127.0.0.1:6379', '--stalled-seconds', '9999999'])).toBe('--stalled-seconds 9999999: expected a whole number from 1 to 86400; see tlab --help');
    expect(parseCliArgs(['sweep', '--workers', '64'])).toMatchObject({ command: 'sweep', workers: 64 });
  });

  it('refuses a flag the command does not read, which was once ignored silently', () => {
    expect(usageError(['doctor', '--frozen-engine', 'bogus'])).toBe('tlab doctor does not take --frozen-engine (it takes --db, --cache-dir, --data-root, --weights-dir); see tlab --help');
    expect(usageError(['runs', 'gc', '--workers', '2'])).toBe('tlab runs does not take --workers (it takes --db); see tlab --help');
    expect(parseCliArgs(['doctor', '--verbose', '--db', 'x.db'])).toMatchObject({ command: 'doctor', db: 'x.db' });
  });
});
