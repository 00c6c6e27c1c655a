/**
 * Keras 2's automatic layer names: one counter per layer class, starting at 1 (`conv2d_1`,
 * `batch_normalization_1`, `activation_1`, …), as keras.applications' InceptionV3 gets them when it
 * is the first model built in a session. The embedded and shared ImageNet files use these names.
 */
export function kerasLayerNamer(): (prefix: string) => string {
  const counts = new Map<string, number>();
  return (prefix) => {
    const next = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, next);
    return `${prefix}_${next}`;
  };
}
