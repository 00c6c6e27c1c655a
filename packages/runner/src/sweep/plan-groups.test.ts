import { describe, expect, it } from 'vitest';
import { augmentPresets, type ResolvedConfig } from '@tlab/core';
import { planGroups } from './plan-groups.ts';

const base: ResolvedConfig = {
  seed: 1,
  data: { train: 't', validation: 'v', image_size: [150, 150], preprocessing: 'rescale', rescale: 1 / 255 },
  backbone: { name: 'inception_v3', weights: 'imagenet', cutoff: 'mixed7' },
  head: { pooling: 'flatten', units: 1024, activation: 'relu', dropout: 0.2 },
  train: { optimizer: 'rmsprop', learning_rate: 1e-4, batch_size: 20, epochs: 2 },
  augment: augmentPresets.none,
};

function variant(index: number, change: (c: ResolvedConfig) => ResolvedConfig) {
  const config = change(structuredClone(base));
  return { index, config, frozenCutoff: config.backbone.cutoff };
}

describe('planGroups', () => {
  const variants = [
    variant(0, (c) => ({ ...c, backbone: { ...c.backbone, cutoff: 'mixed5' }, augment: augmentPresets.course })),
    variant(1, (c) => ({ ...c, head: { ...c.head, dropout: 0.5 } })),
    variant(2, (c) => ({ ...c, backbone: { ...c.backbone, cutoff: 'mixed5' } })),
    variant(3, (c) => ({ ...c, data: { ...c.data, image_size: [75, 75] } })),
    variant(4, (c) => ({ ...c, backbone: { name: 'mobilenet_v2', weights: 'imagenet', alpha: 1, cutoff: 'out_relu' } })),
    variant(5, (c) => ({ ...c, backbone: { ...c.backbone, weights: 'embedded' } })),
  ];

  it('shares one frozen part between cutoffs and heads of the same backbone, weights and input size', () => {
    const groups = planGroups(variants, 'planned');
    expect(groups.map((g) => g.variants.map((v) => v.index))).toEqual([[1, 2, 0], [3], [4], [5]]);
    expect(groups[0]!.cutoffs).toEqual(['mixed7', 'mixed5']);
    expect(groups[0]!.backbone).toEqual({ name: 'inception_v3', weights: 'imagenet' });
    expect(groups[3]!.backbone).toEqual({ name: 'inception_v3', weights: 'embedded' });
  });

  it('runs variants with the same augmentation draws back to back', () => {
    const [first] = planGroups(variants, 'planned');
    const augmented = first!.variants.map((v) => v.config.augment.rotation_range > 0);
    expect(augmented).toEqual([false, false, true]);
  });

  it('gives every variant its own frozen part when naive', () => {
    const groups = planGroups(variants, 'naive');
    expect(groups.map((g) => [g.variants.map((v) => v.index), g.cutoffs])).toEqual([
      [[0], ['mixed5']],
      [[1], ['mixed7']],
      [[2], ['mixed5']],
      [[3], ['mixed7']],
      [[4], ['out_relu']],
      [[5], ['mixed7']],
    ]);
  });
});
