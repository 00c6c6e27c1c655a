import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { embeddedModelSource, type EmbeddedModelName } from '../backbones/embedded-models.ts';
import { userModelSource } from '../backbones/user-model.ts';
import { sourceWeightsHash } from '../backbones/weights-hash.ts';
import { readKerasWeightFile } from './keras-weight-file.ts';
import { layersFromKerasFile, layersFromTfjsModel, type SourceLayer } from './layer-weights.ts';
import { WeightsNotFoundError } from './weights-errors.ts';

/** Pretrained weights for one of the TypeScript architectures, wherever they are stored. */
export interface WeightsOrigin {
  /** The file errors name. */
  readonly file: string;
  /** The file's layers that have weights, in model order. */
  readLayers(): Promise<SourceLayer[]>;
  /** sha256 (hex) identifying the weights as stored; part of every variant id. */
  hash(): Promise<string>;
}

/** nsfwjs puts its own classifier on top of each Keras base; the base ends here. */
const nsfwjsBaseOutput: Record<EmbeddedModelName, string> = { inception_v3: 'mixed10', mobilenet_v2: 'out_relu' };

/**
 * nsfwjs's bundled weights. Their hash is the one the embedded backbones had before the TypeScript
 * architectures existed (the nsfwjs model as stored), computed once per process.
 */
export function embeddedWeights(name: EmbeddedModelName): WeightsOrigin {
  const source = embeddedModelSource(name);
  return {
    file: source.file,
    readLayers: async () => layersFromTfjsModel(await source.readModel(), source.file, nsfwjsBaseOutput[name]),
    hash: () => sourceWeightsHash(source),
  };
}

/** A tfjs LayersModel (model.json + shards), e.g. keras.applications converted with tensorflowjs_converter. */
export function tfjsModelWeights(modelJsonFile: string): WeightsOrigin {
  const source = userModelSource(modelJsonFile);
  return {
    file: modelJsonFile,
    readLayers: async () => layersFromTfjsModel(await source.readModel(), modelJsonFile),
    hash: () => sourceWeightsHash(source),
  };
}

/** A Keras weight file (.h5 of `save_weights` or `save`, or .keras), hashed as the bytes on disk. */
export function kerasFileWeights(file: string): WeightsOrigin {
  return {
    file,
    readLayers: async () => layersFromKerasFile((await readKerasWeightFile(file)).layers),
    hash: async () => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new WeightsNotFoundError(file, (error as Error).message, { cause: error });
      }
      return createHash('sha256').update(bytes).digest('hex');
    },
  };
}
