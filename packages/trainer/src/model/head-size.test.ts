import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '@tlab/core';
import { checkHeadSize, headSize, HeadTooLargeError, maxHeadTrainingBytes, type HeadSizeInput } from './head-size.ts';

const head = (units: number, pooling: ResolvedConfig['head']['pooling'] = 'flatten'): ResolvedConfig['head'] => ({ pooling, units, activation: 'relu', dropout: 0.2 });
// InceptionV3 at mixed7 for the course's 150×150 images.
const mixed7 = (units: number, optimizer: HeadSizeInput['optimizer'] = 'rmsprop', pooling?: ResolvedConfig['head']['pooling']): HeadSizeInput => ({
  featureShape: [7, 7, 768],
  cutoff: 'mixed7',
  head: head(units, pooling),
  optimizer,
  classCount: 2,
});

describe('headSize', () => {
  it("counts the course head's weights as Keras's summary does", () => {
    // Dense(1024) on 37,632 inputs plus Dense(1): 38,535,168 + 1,024 + 1,024 + 1.
    expect(headSize(mixed7(1024))).toMatchObject({ inputs: 37_632, weights: 38_537_217 });
    expect(headSize(mixed7(1024, 'rmsprop', 'avg'))).toMatchObject({ inputs: 768, weights: 769 * 1024 + 1025 });
    expect(headSize({ ...mixed7(10), classCount: 5 }).weights).toBe(37_633 * 10 + 11 * 5);
  });
});

describe('checkHeadSize', () => {
  it('lets through the heads measured to train on wasm, the course default among them', () => {
    for (const input of [mixed7(1024), mixed7(4096, 'rmsprop'), mixed7(3072, 'adam'), mixed7(65536, 'rmsprop', 'avg')]) {
      expect(() => checkHeadSize(input)).not.toThrow();
    }
  });

  it('refuses those measured to fail, before anything is built', () => {
    for (const input of [mixed7(5120, 'rmsprop'), mixed7(4096, 'adam'), mixed7(8192, 'sgd')]) {
      expect(() => checkHeadSize(input)).toThrow(HeadTooLargeError);
    }
  });

  it('names the field, the weights, the memory and what fits: head.units 65536 on a Flatten head at mixed7', () => {
    const refused = (() => {
      try {
        checkHeadSize(mixed7(65536));
      } catch (error) {
        return error as HeadTooLargeError;
      }
      throw new Error('expected a refusal');
    })();
    expect(refused.code).toBe('TLAB_HEAD_TOO_LARGE');
    expect(refused.message).toBe(
      'head.units: a flatten head at mixed7 (7×7×768 = 37,632 inputs) with 65,536 units has 2.47 billion weights (9.2 GB as float32); ' +
        'training it with rmsprop takes about 36.8 GB, more than the 2.5 GB a head may use (tfjs\'s wasm backend trains heads in one heap of at most 4 GB); ' +
        'expected head.units of at most 4,457 here, head.pooling: avg (768 inputs), or an earlier cutoff',
    );
    expect(headSize(mixed7(4457)).trainingBytes).toBeLessThanOrEqual(maxHeadTrainingBytes);
    expect(headSize(mixed7(4458)).trainingBytes).toBeGreaterThan(maxHeadTrainingBytes);
  });

  it('blames the pooling when not even one unit fits', () => {
    const huge: HeadSizeInput = { featureShape: [512, 512, 1024], cutoff: 'block1', head: head(1), optimizer: 'adam', classCount: 2 };
    expect(() => checkHeadSize(huge)).toThrow(/^head\.pooling: .*no number of units fits this pooling at this cutoff, head\.pooling: avg \(1,024 inputs\), or an earlier cutoff$/);
  });
});
