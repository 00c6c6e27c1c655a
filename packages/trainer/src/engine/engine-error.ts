import { TlabError } from '@tlab/core';

export class BackendUnavailableError extends TlabError {
  constructor(requested: string, reason: string, options?: { cause?: unknown }) {
    super(
      'TLAB_BACKEND_UNAVAILABLE',
      `TLAB_BACKEND=${requested} was requested but cannot start: ${reason}. Valid values: tensorflow (needs @tensorflow/tfjs-node), wasm, cpu.`,
      options,
    );
  }
}
