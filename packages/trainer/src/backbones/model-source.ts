import path from 'node:path';
import type { BackboneConfig } from './backbone.ts';
import { defaultInputSize } from '../architectures/architectures.ts';
import type { ArchitectureName } from '@tlab/core';
import { embeddedWeights, kerasFileWeights, tfjsModelWeights, type WeightsOrigin } from '../weights/weights-origin.ts';
import { architectureSource } from './architecture-source.ts';
import { tinyCnnSource } from './tiny-cnn.ts';
import { userModelSource } from './user-model.ts';
import type { RawModel } from './weight-manifest.ts';

/** Where a backbone's topology and weights come from, before any cutting. */
export interface ModelSource {
  /** How messages and `Backbone.name` refer to it: the backbone name, or the model.json path. */
  readonly label: string;
  /** The file that BACKBONE_INVALID errors name. */
  readonly file: string;
  /** Cutoffs to list first in error messages; absent means "derive them from the graph". */
  readonly curatedCutoffs?: readonly string[];
  /** True when the bytes can never change within a process, so their hash can be remembered. */
  readonly immutable: boolean;
  /** Only the topology JSON: cheap, for layer names and validation. */
  readTopology(): Promise<unknown>;
  readModel(): Promise<RawModel>;
  /** The weights' identity when it is not the stored model itself (an architecture with weights from elsewhere). */
  weightsHash?(): Promise<string>;
  /** Refuses a cut that needs layers the weights do not cover (a weight file that stops early). */
  checkWeightsCover?(raw: RawModel, kept: readonly string[]): Promise<void>;
}

/**
 * The source of a backbone whose weights are located (see locateWeights): `weights` is `embedded`
 * or an absolute path. `imageSize` is the size it will be built at; without it (listing layer
 * names, planning a cut) the architecture is built at Keras's default size.
 */
export function modelSourceFor(config: BackboneConfig, imageSize?: readonly [number, number]): ModelSource {
  if (config.path !== undefined) return userModelSource(path.resolve(config.path));
  const { name } = config;
  if (name === 'tiny_cnn') return tinyCnnSource;
  const options = { imageSize: imageSize ?? defaultInputSize(name), alpha: config.alpha ?? 1 };
  return architectureSource(name, options, weightsOriginFor(name, config.weights));
}

function weightsOriginFor(name: ArchitectureName, weights: string | undefined): WeightsOrigin {
  if (weights === 'embedded' && (name === 'inception_v3' || name === 'mobilenet_v2')) return embeddedWeights(name);
  if (weights === undefined || !path.isAbsolute(weights)) {
    throw new TypeError(`backbone.weights ${JSON.stringify(weights)} of ${name} must be located (locateWeights) before it is loaded`);
  }
  return weights.endsWith('.json') ? tfjsModelWeights(weights) : kerasFileWeights(weights);
}
