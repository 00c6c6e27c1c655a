import type { SpecProblemCode } from '../errors/error-codes.ts';
import { TlabError } from '../errors/tlab-error.ts';

/** Where a problem is: a position in the spec file, or (without line) a `--set` argument or the whole file. */
export interface SpecLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface SpecProblem extends SpecLocation {
  /** Dotted path into the spec, e.g. `head.dropout`; empty when the problem is the file itself. */
  path: string;
  /** What was expected and what was found. */
  message: string;
  code: SpecProblemCode;
}

export function formatSpecProblem(problem: SpecProblem): string {
  const where = problem.line === undefined ? `${problem.file}:` : `${problem.file}:${problem.line}:${problem.column}`;
  const field = problem.path === '' ? '' : ` ${problem.path}:`;
  return `${where}${field} ${problem.message} [${problem.code}]`;
}

/**
 * Every problem found in a spec, reported together so a user fixes them in one round instead of
 * one per run. `code` is the first problem's; each problem carries its own.
 */
export class SpecError extends TlabError {
  readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[]) {
    // File positions first in reading order; unpositioned problems (overrides) keep the order found.
    const sorted = [...problems].sort(
      (a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0),
    );
    super(sorted[0]?.code ?? 'TLAB_SPEC_INVALID', sorted.map(formatSpecProblem).join('\n'));
    this.name = 'SpecError';
    this.problems = sorted;
  }

  /** Each line of the message already carries its own problem's code. */
  override codedMessage(): string {
    return this.message;
  }
}

export function throwIfProblems(problems: readonly SpecProblem[]): void {
  if (problems.length > 0) throw new SpecError(problems);
}
