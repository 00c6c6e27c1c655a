import { DataError } from '../data/data-errors.ts';

/** A drawn transform reaches so far outside the image that the fill padding cannot be built. */
export class AugmentRangeError extends DataError {
  constructor(reach: number, limit: number, imageSize: readonly [height: number, width: number]) {
    super(
      'TLAB_AUGMENT_RANGE',
      `augment: a drawn transform samples ${reach} px beyond the ${imageSize[0]}×${imageSize[1]} image, more than the ${limit} px ` +
        'the fill padding allows; expected smaller width_shift_range / height_shift_range (pixels when ≥ 1) or zoom_range',
    );
    this.name = 'AugmentRangeError';
  }
}
