/**
 * Backbone features of images that look the same every epoch (validation, and training without
 * augmentation), kept per sample so the frozen network runs once per image per run instead of once
 * per epoch. Bounded in bytes: past the budget, features are recomputed rather than kept.
 */
export class FeatureMemo {
  private readonly features = new Map<string, Float32Array>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string): Float32Array | undefined {
    return this.features.get(key);
  }

  /** Stores `value` if it fits the budget; returns whether it was kept. */
  offer(key: string, value: Float32Array): boolean {
    if (this.features.has(key)) return true;
    if (this.bytes + value.byteLength > this.budgetBytes) return false;
    this.features.set(key, value);
    this.bytes += value.byteLength;
    return true;
  }

  get size(): number {
    return this.features.size;
  }
}
