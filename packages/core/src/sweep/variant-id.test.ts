import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/load-spec.ts';
import { expandSweep } from './expand-sweep.ts';
import { variantId } from './variant-id.ts';

const spec = `name: ids
seed: 42
data: { builtin: { name: mnist, classes: ['3', '8'] }, image_size: 75 }
backbone: { name: inception_v3, cutoff: mixed7 }
head: { pooling: avg, dropout: 0.2 }
train: { epochs: 3, batch_size: 20 }
augment: none
sweep:
  method: grid
  parameters:
    head.dropout: { values: [0.0, 0.5] }
    backbone.cutoff: { values: [mixed5, mixed7] }
`;

// The same experiment, rewritten: block style, other key order, comments, spelled-out defaults.
const rewritten = `# Same experiment, different hands.
sweep:
  parameters:
    head.dropout:
      values:
        - 0     # no dropout
        - 0.50
    backbone.cutoff: { values: ["mixed5", 'mixed7'] }
  method: grid
augment:
  rotation_range: 0
train:
  batch_size: 20
  epochs: 3
head:
  dropout: 0.2
  pooling: avg
backbone:
  cutoff: mixed7
data:
  image_size: [75, 75]
  builtin:
    classes: ['3', '8']
    name: mnist
name: ids
`;

const ids = (text: string, identity = { datasetFingerprint: 'data-1', weightsHash: 'weights-1' }) => {
  const loaded = parseSpec(text, 'ids.yaml');
  return expandSweep(loaded).variants.map(({ config }) => variantId({ experiment: loaded.spec.name, config, ...identity }));
};

describe('variantId', () => {
  it('is 16 hex characters, distinct per variant', () => {
    const first = ids(spec);
    expect(first).toHaveLength(4);
    for (const id of first) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(first).size).toBe(4);
  });

  it('does not change with formatting, key order, comments or spelled-out defaults', () => {
    expect(ids(rewritten)).toEqual(ids(spec));
  });

  it('is pinned, so the same spec gives the same ids on every machine and version', () => {
    // If this changes, every stored result loses its id: only change it on purpose.
    expect(ids(spec)).toMatchInlineSnapshot(`
      [
        "3ba695b0744593ec",
        "8ca6e03c23d68f13",
        "7ebf1046feefc5bf",
        "f49f52d2fd140006",
      ]
    `);
  });

  it('changes with any config change, the dataset, the weights or the experiment name', () => {
    const base = ids(spec);
    const changedDropout = ids(spec.replace('head.dropout: { values: [0.0, 0.5] }', 'head.dropout: { values: [0.0, 0.25] }'));
    expect(changedDropout.slice(0, 2)).toEqual(base.slice(0, 2));
    expect(changedDropout.slice(2)).not.toContain(base[2]);
    expect(changedDropout.slice(2)).not.toContain(base[3]);
    expect(ids(spec.replace('epochs: 3', 'epochs: 4'))).not.toContain(base[0]);
    expect(ids(spec, { datasetFingerprint: 'data-2', weightsHash: 'weights-1' })).not.toContain(base[0]);
    expect(ids(spec, { datasetFingerprint: 'data-1', weightsHash: 'weights-2' })).not.toContain(base[0]);
    expect(ids(spec.replace('name: ids', 'name: other'))).not.toContain(base[0]);
  });
});
