/** How the feature cache stores frozen features. */
export const featurePrecisions = ['float16', 'float32'] as const;
export type FeaturePrecision = (typeof featurePrecisions)[number];
/** float16 halves the cache and, measured on the reference sweep, moved no accuracy. */
export const defaultFeaturePrecision: FeaturePrecision = 'float16';
