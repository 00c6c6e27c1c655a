import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSweep, loadSpec } from '@tlab/core';
import { tinySpecText } from '@tlab/core/testing';
import { selectBackend, type BackboneConfig } from '@tlab/trainer';
import { tinyExperiment } from '../../test/tiny-experiment.ts';
import { defaultRunSettings } from '../settings/run-settings.ts';
import { identifyVariants } from './identify-variants.ts';

describe('identifyVariants', () => {
  it('tells `located` each backbone it checks, once, as the variants will load it', async () => {
    // Two cutoffs × two dropouts: two backbones to check, each shared by two variants.
    const ex = tinyExperiment(
      tinySpecText({ sweep: { method: 'grid', parameters: { 'backbone.cutoff': { values: ['block1', 'block2'] }, 'head.dropout': { values: [0.0, 0.5] } } } }),
    );
    const loaded = loadSpec(ex.spec);
    // As a sweep does before it identifies anything: building a backbone needs the backend.
    await selectBackend({ warn: () => undefined });
    const heard: Array<{ backbone: BackboneConfig; imageSize: [number, number] }> = [];
    const variants = await identifyVariants(loaded.spec.name, expandSweep(loaded).variants, {
      specDir: ex.dir,
      dataRoot: undefined,
      cacheDir: path.join(ex.dir, 'cache'),
      weights: defaultRunSettings().weights,
      warn: () => undefined,
      located: (backbone, imageSize) => heard.push({ backbone, imageSize }),
    });
    expect(heard.map(({ backbone }) => backbone.cutoff).sort()).toEqual(['block1', 'block2']);
    for (const { backbone, imageSize } of heard) {
      expect(imageSize).toEqual([16, 16]);
      // Located: what a worker process can load as it is.
      expect(variants.find((v) => v.backbone.cutoff === backbone.cutoff)!.backbone).toEqual(backbone);
    }
  });
});
