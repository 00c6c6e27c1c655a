import type { TlabErrorCode } from './error-codes.ts';

/**
 * Every failure a user can cause carries a stable `code` (documented in the README) so scripts and
 * tests can branch on it without parsing prose, and a message that names the file, the field and
 * what was expected.
 */
export class TlabError extends Error {
  readonly code: TlabErrorCode;

  constructor(code: TlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlabError';
    this.code = code;
  }

  /** The message tagged with its code, as a person reads it (the CLI, a failed run's stored error). */
  codedMessage(): string {
    return `${this.message} [${this.code}]`;
  }
}

export function isTlabError(error: unknown, code?: TlabErrorCode): error is TlabError {
  return error instanceof TlabError && (code === undefined || error.code === code);
}
