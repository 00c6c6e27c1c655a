import { EngineError } from '../engine/engine-error.ts';

/** A layer the ONNX converter cannot express; callers fall back to running the backbone on tfjs. */
export class UnsupportedLayerError extends EngineError {
  readonly layer: string;
  readonly className: string;

  constructor(layer: string, className: string, detail?: string) {
    super(
      'TLAB_ONNX_UNSUPPORTED_LAYER',
      `cannot convert layer '${layer}' (${className}) to ONNX${detail === undefined ? '' : `: ${detail}`}. ` +
        'The backbone has to run on TensorFlow.js instead.',
    );
    this.name = 'UnsupportedLayerError';
    this.layer = layer;
    this.className = className;
  }
}

export class OnnxOutputNotFoundError extends EngineError {
  constructor(layer: string, modelName: string) {
    super('TLAB_ONNX_UNKNOWN_OUTPUT', `cannot convert ${modelName} to ONNX up to layer '${layer}': the model has no such layer.`);
    this.name = 'OnnxOutputNotFoundError';
  }
}

/** onnxruntime rejected the model or failed while running it. */
export class OnnxRuntimeError extends EngineError {
  constructor(stage: 'load' | 'run', reason: string, options?: { cause?: unknown }) {
    super('TLAB_ONNX_RUNTIME_FAILED', `onnxruntime failed to ${stage} the backbone: ${reason}.`, options);
    this.name = 'OnnxRuntimeError';
  }
}
