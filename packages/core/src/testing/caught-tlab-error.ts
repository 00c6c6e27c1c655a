import { isTlabError, type TlabError } from '../errors/tlab-error.ts';

/** The TlabError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function caughtTlabError(promise: Promise<unknown>): Promise<TlabError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isTlabError(error)) {
    throw new Error(`expected a TlabError, got ${String(error)}`);
  }
  return error;
}
