import { TlabError, type TlabErrorCode } from '@tlab/core';

/** The backbone family: the model, its weights, its layers and the cut or fine-tuned part a spec names. */
export class BackboneError extends TlabError {
  constructor(code: TlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BackboneError';
  }
}

export interface UnknownLayerDetails {
  /** `inception_v3`, `mobilenet_v2`, `tiny_cnn` or the model.json path. */
  readonly backbone: string;
  readonly field: 'cutoff' | 'trainable_from';
  readonly layer: string;
  readonly suggestion: string | undefined;
  /** The cutoffs worth showing first (block outputs), in model order. */
  readonly listed: readonly string[];
  /** How many other valid layer names exist beyond `listed`. */
  readonly others: number;
}

export class UnknownLayerError extends BackboneError {
  readonly details: UnknownLayerDetails;

  constructor(details: UnknownLayerDetails) {
    const { backbone, field, layer, suggestion, listed, others } = details;
    const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
    const rest = others > 0 ? `; any of its ${others} other layers also works (backboneLayerNames lists them)` : '';
    super(
      'TLAB_UNKNOWN_LAYER',
      `backbone.${field}: backbone ${backbone} has no layer '${layer}'.${hint} ` +
        `Useful cutoffs: ${listed.join(', ')}${rest}.`,
    );
    this.name = 'UnknownLayerError';
    this.details = details;
  }
}

export class BadTrainableFromError extends BackboneError {
  constructor(backbone: string, trainableFrom: string, cutoff: string, reason: 'after-cutoff' | 'off-path') {
    const why =
      reason === 'after-cutoff'
        ? `comes after the cutoff '${cutoff}', so it is not part of the cut model`
        : `is on a branch that does not feed the cutoff '${cutoff}', so it is not part of the cut model`;
    super(
      'TLAB_BAD_TRAINABLE_FROM',
      `backbone.trainable_from: layer '${trainableFrom}' of backbone ${backbone} ${why}. ` +
        `Pick a layer at or before '${cutoff}'.`,
    );
    this.name = 'BadTrainableFromError';
  }
}

export class BackboneNotFoundError extends BackboneError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super('TLAB_BACKBONE_NOT_FOUND', `backbone.path: cannot read ${file}: ${detail}.`, options);
    this.name = 'BackboneNotFoundError';
  }
}

export class BackboneInvalidError extends BackboneError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super('TLAB_BACKBONE_INVALID', `backbone.path: ${file} is not a usable TensorFlow.js layers model: ${detail}.`, options);
    this.name = 'BackboneInvalidError';
  }
}

export class ImageTooSmallError extends BackboneError {
  constructor(backbone: string, cutoff: string, imageSize: readonly [number, number], detail: string) {
    super(
      'TLAB_IMAGE_TOO_SMALL',
      `data.image_size: ${imageSize[0]}×${imageSize[1]} is too small for backbone ${backbone} cut at '${cutoff}' ` +
        `(${detail}). Use larger images or an earlier cutoff.`,
    );
    this.name = 'ImageTooSmallError';
  }
}

/** The weights found now for a stored run are not the bytes it trained on (a different file, or the file changed). */
export class WeightsChangedError extends BackboneError {
  constructor(runId: string, found: string, foundHash: string, recordedHash: string) {
    super(
      'TLAB_WEIGHTS_CHANGED',
      `run ${runId} trained on backbone weights with sha256 ${recordedHash}, but the weights found now (${found}) hash to ${foundHash}; ` +
        'point --weights-dir (or the spec\'s folder) at the files the run used',
    );
  }
}
