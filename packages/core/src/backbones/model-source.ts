import path from 'node:path';
import type { BackboneConfig } from './backbone.ts';
import { embeddedModelSource } from './embedded-models.ts';
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
}

export function modelSourceFor(config: BackboneConfig): ModelSource {
  if (config.path !== undefined) return userModelSource(path.resolve(config.path));
  return config.name === 'tiny_cnn' ? tinyCnnSource : embeddedModelSource(config.name);
}
