import { BackboneError } from '../backbones/backbone-errors.ts';

/** `backbone.weights` names a file that cannot be read (missing, a folder, no permission). */
export class WeightsNotFoundError extends BackboneError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super('TLAB_WEIGHTS_NOT_FOUND', `backbone.weights: cannot read ${file}: ${detail}.`, options);
    this.name = 'WeightsNotFoundError';
  }
}

/** The file exists but is not a weight file Transfer Lab can read (not HDF5, not a Keras layout, a broken zip…). */
export class WeightsInvalidError extends BackboneError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super('TLAB_WEIGHTS_INVALID', `backbone.weights: ${file} is not a usable Keras or TensorFlow.js weight file: ${detail}.`, options);
    this.name = 'WeightsInvalidError';
  }
}

/** The file's weights do not fit the architecture: names the layer and both shapes. */
export class WeightsMismatchError extends BackboneError {
  constructor(file: string, detail: string) {
    super('TLAB_WEIGHTS_MISMATCH', `backbone.weights: ${file} does not fit the architecture: ${detail}.`);
    this.name = 'WeightsMismatchError';
  }
}

/** `weights: imagenet` found nowhere and could not be downloaded. */
export class WeightsMissingError extends BackboneError {
  constructor(backbone: string, url: string, looked: readonly string[], reason: string, options?: { cause?: unknown }) {
    super(
      'TLAB_WEIGHTS_MISSING',
      `backbone.weights: the ImageNet weights of ${backbone} are not on this machine and could not be downloaded (${reason}). ` +
        `Looked in: ${looked.join(', ')}. Download ${url} and put it in one of those folders, or pass --weights-dir / TLAB_WEIGHTS_DIR; ` +
        'or use `weights: embedded` for the weights that install with Transfer Lab.',
      options,
    );
    this.name = 'WeightsMissingError';
  }
}
