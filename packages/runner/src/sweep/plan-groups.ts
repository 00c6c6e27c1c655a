import { canonicalJson, type ResolvedConfig } from '@tlab/core';
import type { BackboneConfig } from '@tlab/trainer';

export const sweepStrategies = ['planned', 'naive'] as const;
export type SweepStrategy = (typeof sweepStrategies)[number];

export interface FrozenVariant {
  readonly index: number;
  readonly config: ResolvedConfig;
  /** Where the variant's frozen features come from: its cutoff, or where its fine-tuning starts. */
  readonly frozenCutoff: string;
}

/** Variants that one frozen part (one backbone pass per image) serves. */
export interface FrozenGroup<V> {
  readonly backbone: Omit<BackboneConfig, 'cutoff' | 'trainable_from'>;
  readonly imageSize: [number, number];
  /** Every cutoff the group's variants read; a pass computes them all. */
  readonly cutoffs: readonly string[];
  readonly variants: readonly V[];
}

/**
 * Groups variants by what their frozen features depend on besides the cutoff (backbone and input
 * size), so one multi-output pass per image serves every variant and cutoff of a group. Inside a
 * group, variants with the same augmentation and seed run back to back: they read the same
 * augmented draws, which the feature cache then holds. 'naive' gives every variant its own group,
 * as Keras and most sweep tools run them.
 */
export function planGroups<V extends FrozenVariant>(variants: readonly V[], strategy: SweepStrategy): FrozenGroup<V>[] {
  if (strategy === 'naive') return variants.map((v) => groupOf([v]));
  const byKey = new Map<string, V[]>();
  for (const variant of variants) {
    const key = canonicalJson({ backbone: frozenPassBackbone(variant.config.backbone), size: variant.config.data.image_size });
    byKey.set(key, [...(byKey.get(key) ?? []), variant]);
  }
  return [...byKey.values()].map((members) => groupOf([...members].sort((a, b) => drawKey(a).localeCompare(drawKey(b)) || a.index - b.index)));
}

/**
 * What a variant's training features depend on besides the frozen part: its augmentation and the
 * seed that draws it. Variants with one draw key read the same cached draws.
 */
export function drawKey(variant: FrozenVariant): string {
  return canonicalJson({ augment: variant.config.augment, seed: variant.config.seed });
}

/** What a frozen pass depends on in a backbone: all but where variants cut it or start fine-tuning. */
export function frozenPassBackbone(backbone: BackboneConfig): FrozenGroup<unknown>['backbone'] {
  const { cutoff: _cutoff, trainable_from: _from, ...rest } = backbone;
  return rest;
}

function groupOf<V extends FrozenVariant>(variants: readonly V[]): FrozenGroup<V> {
  return {
    backbone: frozenPassBackbone(variants[0]!.config.backbone),
    imageSize: variants[0]!.config.data.image_size,
    cutoffs: [...new Set(variants.map((v) => v.frozenCutoff))],
    variants,
  };
}
