import { SpecError, type TlabError } from '@tlab/core';

/**
 * The one paragraph `tlab` prints for a failure a user caused. A spec report already tags each of
 * its lines with its own code (`file:line:col field: … [CODE]`); every other error gets its code
 * appended. The stack never reaches the terminal.
 */
export function formatForCli(error: TlabError): string {
  return error instanceof SpecError ? `error:\n${error.message}` : `error: ${error.message} [${error.code}]`;
}
