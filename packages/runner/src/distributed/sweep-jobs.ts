import { createHash } from 'node:crypto';
import { uncachedFeatureImages } from '@tlab/core';
import type { Dataset } from '@tlab/trainer';
import { drawKey, planGroups, type FrozenVariant, type SweepStrategy } from '../sweep/plan-groups.ts';

/** Variants one worker trains together, so that what they share is computed once. */
export interface SweepJob<V> {
  /** Stable for the same experiment and variants (so enqueueing again can be idempotent). */
  readonly id: string;
  readonly variants: readonly V[];
  /** The planned group and augmentation draw its variants read: jobs of one draw read the same features. */
  readonly draw: string;
  /** Every cutoff of its planned group: the cutoffs one frozen pass computes for the whole group. */
  readonly cutoffs: readonly string[];
}

type JobVariant = FrozenVariant & { readonly id: string };

/** A planned group's variants by augmentation draw, each part with the group's cutoffs. */
function drawParts<V extends JobVariant>(variants: readonly V[], strategy: SweepStrategy): Array<Omit<SweepJob<V>, 'id'>> {
  return planGroups(variants, strategy).flatMap((group, index) => {
    const draws = new Map<string, V[]>();
    for (const variant of group.variants) draws.set(drawKey(variant), [...(draws.get(drawKey(variant)) ?? []), variant]);
    return [...draws].map(([draw, members]) => ({ draw: `${index}:${draw}`, cutoffs: group.cutoffs, variants: members }));
  });
}

/**
 * Splits pending variants into jobs for `workers` workers that each keep their own feature cache
 * (queue workers). A job is a planned group's variants that share an augmentation draw: one frozen
 * part and one set of cached (augmented) features, computed once by the worker that holds them.
 * With fewer jobs than workers the largest are cut in halves: both halves then compute the shared
 * features (each on its own share of the cores, so that pass takes as long as one worker's), and
 * the heads after it train side by side.
 */
export function planJobs<V extends JobVariant>(experiment: string, variants: readonly V[], strategy: SweepStrategy, workers: number): SweepJob<V>[] {
  const parts = drawParts(variants, strategy);
  for (;;) {
    parts.sort((a, b) => b.variants.length - a.variants.length);
    if (parts.length >= workers || parts[0] === undefined || parts[0].variants.length < 2) break;
    const largest = parts.shift()!;
    const half = Math.ceil(largest.variants.length / 2);
    parts.push({ ...largest, variants: largest.variants.slice(0, half) }, { ...largest, variants: largest.variants.slice(half) });
  }
  return parts.map((part) => ({ ...part, id: jobId(experiment, part.variants) }));
}

/**
 * One job per variant for workers that share one feature cache (`--workers N` on one machine):
 * each job's pass computes its whole group's cutoffs, so whichever worker first reads a draw caches
 * it for every variant of the draw, and `takeJob` hands out the rest so that no worker idles while
 * another still has a draw's heads to train. The draws whose first run computes the most features
 * come first (longest first, the classic way to shorten a schedule): a long first run never comes
 * last, with the other workers idle through it, and the sweep process, ready before its forked
 * workers, takes the longest (the reference sweep's augmented draw: 500 images against 300; 400
 * when the un-augmented draw's first run, which computes the validation features first, has cached
 * them before the augmented run's first epoch ends).
 */
export function planVariantJobs<V extends JobVariant & { readonly dataset: Pick<Dataset, 'train' | 'validation'> }>(experiment: string, variants: readonly V[], strategy: SweepStrategy): SweepJob<V>[] {
  const firstRunImages = (part: Omit<SweepJob<V>, 'id'>) =>
    Math.max(...part.variants.map((v) => uncachedFeatureImages(v.config, v.dataset.train.length, v.dataset.validation.length)));
  return drawParts(variants, strategy)
    .map((part) => ({ part, images: firstRunImages(part) }))
    .sort((a, b) => b.images - a.images)
    .flatMap(({ part }) => part.variants.map((variant) => ({ ...part, id: jobId(experiment, [variant]), variants: [variant] })));
}

/** A draw's features, as workers sharing one cache have them: a worker is computing them, or they are cached. */
export type DrawState = 'computing' | 'cached';

/**
 * Takes the job a free worker trains next from `queue` (workers sharing one feature cache): one of
 * a draw already cached, else one of a draw nobody computes yet, else the first (its worker then
 * computes the features its draw's first worker has not cached yet, rather than idle).
 */
export function takeJob<V>(queue: Array<SweepJob<V>>, draws: ReadonlyMap<string, DrawState>): SweepJob<V> | undefined {
  const cached = queue.findIndex((job) => draws.get(job.draw) === 'cached');
  const index = cached >= 0 ? cached : queue.findIndex((job) => !draws.has(job.draw));
  return queue.splice(Math.max(index, 0), 1)[0];
}

export function jobId(experiment: string, variants: ReadonlyArray<{ readonly id: string }>): string {
  return `job-${createHash('sha256').update(JSON.stringify([experiment, variants.map((v) => v.id)])).digest('hex').slice(0, 24)}`;
}
