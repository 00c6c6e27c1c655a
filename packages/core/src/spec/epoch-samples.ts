import type { AugmentConfig, ResolvedConfig } from './schema.ts';

/** Samples a training epoch draws: the split, or `steps_per_epoch` batches (looping, as a Keras generator would). */
export function samplesPerEpoch(trainSize: number, config: ResolvedConfig): number {
  return config.train.steps_per_epoch ? config.train.steps_per_epoch * config.train.batch_size : trainSize;
}

/** Whether an augmentation changes any image: if not, a training image's features are the same every epoch. */
export function isAugmenting(augment: AugmentConfig): boolean {
  return (
    augment.rotation_range > 0 ||
    augment.width_shift_range > 0 ||
    augment.height_shift_range > 0 ||
    augment.shear_range > 0 ||
    (Array.isArray(augment.zoom_range) ? augment.zoom_range[0] !== 1 || augment.zoom_range[1] !== 1 : augment.zoom_range > 0) ||
    augment.horizontal_flip ||
    augment.vertical_flip ||
    augment.brightness_range !== null
  );
}

/**
 * Images a run passes through the frozen part when none of its features are cached yet: each
 * epoch's augmented draws, or the training images once, and the validation images once (early
 * stopping may end it sooner). A sweep's scheduler weighs its jobs' first runs by it.
 */
export function uncachedFeatureImages(config: ResolvedConfig, trainSize: number, validationSize: number): number {
  const training = isAugmenting(config.augment) ? config.train.epochs * samplesPerEpoch(trainSize, config) : trainSize;
  return training + validationSize;
}
