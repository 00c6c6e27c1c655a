import { TlabError, type TlabErrorCode } from '@tlab/core';

/** The engine family: the backend, ONNX Runtime and the numbers they produce while training. */
export class EngineError extends TlabError {
  constructor(code: TlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EngineError';
  }
}

export class BackendUnavailableError extends EngineError {
  constructor(requested: string, reason: string, options?: { cause?: unknown }) {
    super(
      'TLAB_BACKEND_UNAVAILABLE',
      `TLAB_BACKEND=${requested} was requested but cannot start: ${reason}. Valid values: tensorflow (needs @tensorflow/tfjs-node), wasm, cpu.`,
      options,
    );
  }
}
