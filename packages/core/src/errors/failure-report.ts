import { inspect } from 'node:util';
import { SpecError } from '../spec/spec-error.ts';
import { escapeControlCharacters } from '../text/control-characters.ts';
import { runFatalExitCleanups } from './fatal-exit.ts';
import { isTlabError, TlabError } from './tlab-error.ts';

/** An error that no check foresaw reached an entry point: a bug in tlab, not a problem with the input. */
export class InternalError extends TlabError {
  constructor(cause: unknown) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      'TLAB_INTERNAL',
      `unexpected ${what}. This is a bug in tlab, not a problem with your input: please report it with the command you ran and what it prints with TLAB_DEBUG=1 (or --verbose)`,
      { cause },
    );
    this.name = 'InternalError';
  }
}

/** Whether failures are printed with their stack: `--verbose` among the arguments, or TLAB_DEBUG=1. */
export function wantsStack(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--verbose') || env['TLAB_DEBUG'] === '1';
}

/**
 * The one paragraph an entry point prints for a failure: `error: <message> [CODE]`, or a spec's
 * report below the word error with each line tagged with its own code. Control characters from
 * names and paths in the message are shown escaped. The stack (and its causes) only when asked for.
 */
export function failureReport(error: unknown, { verbose }: { readonly verbose: boolean }): string {
  const failure = isTlabError(error) ? error : new InternalError(error);
  const text = `error:${failure instanceof SpecError ? '\n' : ' '}${failure.codedMessage()}`;
  return escapeControlCharacters(verbose ? `${text}\n${inspect(error)}` : text);
}

/**
 * The last guard of a process's entry point: an error thrown outside its awaited chain (an event
 * handler, a timer, a stream) is printed as the same one paragraph and the process exits 1,
 * instead of Node's stack dump and exit code 7, after the fatal-exit cleanups (runs in training
 * marked interrupted).
 */
export function exitOnUncaught(write: (text: string) => void, verbose: boolean): void {
  const fail = (error: unknown): void => {
    write(`${failureReport(error, { verbose })}\n`);
    runFatalExitCleanups();
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}
