import { TlabError } from '@tlab/core';

/** A worker process died on the same job twice, or stopped on an error it could not record. */
export class WorkerFailedError extends TlabError {
  constructor(message: string) {
    super('TLAB_WORKER_FAILED', message);
  }
}
