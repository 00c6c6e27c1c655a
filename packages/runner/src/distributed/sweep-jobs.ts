import { createHash } from 'node:crypto';
import { drawKey, planGroups, type FrozenVariant, type SweepStrategy } from '../sweep/plan-groups.ts';

/** Variants one worker trains together, so that what they share is computed once. */
export interface SweepJob<V> {
  /** Stable for the same experiment and variants (so enqueueing again can be idempotent). */
  readonly id: string;
  readonly variants: readonly V[];
}

/**
 * Splits pending variants into jobs for `workers` workers. A job is a planned group's variants
 * that share an augmentation draw: one frozen part and one set of cached (augmented) features,
 * computed once by the worker that holds them. With fewer jobs than workers the largest are cut in
 * halves: both halves then compute the shared features (each on its own share of the cores, so
 * that pass takes as long as one worker's), and the heads after it train side by side.
 */
export function planJobs<V extends FrozenVariant & { readonly id: string }>(
  experiment: string,
  variants: readonly V[],
  strategy: SweepStrategy,
  workers: number,
): SweepJob<V>[] {
  const byDraw = planGroups(variants, strategy).flatMap((group) => {
    const draws = new Map<string, V[]>();
    for (const variant of group.variants) draws.set(drawKey(variant), [...(draws.get(drawKey(variant)) ?? []), variant]);
    return [...draws.values()];
  });
  const parts = [...byDraw];
  for (;;) {
    parts.sort((a, b) => b.length - a.length);
    if (parts.length >= workers || parts[0] === undefined || parts[0].length < 2) break;
    const largest = parts.shift()!;
    const half = Math.ceil(largest.length / 2);
    parts.push(largest.slice(0, half), largest.slice(half));
  }
  return parts.map((members) => ({ id: jobId(experiment, members), variants: members }));
}

export function jobId(experiment: string, variants: ReadonlyArray<{ readonly id: string }>): string {
  return `job-${createHash('sha256').update(JSON.stringify([experiment, variants.map((v) => v.id)])).digest('hex').slice(0, 24)}`;
}
