import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { BackboneInvalidError, BackboneNotFoundError } from './backbone-errors.ts';
import type { ModelSource } from './model-source.ts';

/**
 * A TensorFlow.js layers model saved as model.json plus binary weight shards (what `model.save`
 * and `tensorflowjs_converter --output_format tfjs_layers_model` write). tfjs in Node has no
 * file:// loader without tfjs-node, so the files are read here and handed over from memory.
 */
export function userModelSource(modelJsonFile: string): ModelSource {
  return {
    label: modelJsonFile,
    file: modelJsonFile,
    immutable: false,
    readTopology: async () => (await readModelJson(modelJsonFile)).modelTopology,
    readModel: async () => {
      const { modelTopology, weightsManifest } = await readModelJson(modelJsonFile);
      const shardFiles = weightsManifest.flatMap((group) => group.paths.map((shard) => path.resolve(path.dirname(modelJsonFile), shard)));
      // In order, one at a time: with several shards missing, the error always names the first.
      const shards: Buffer[] = [];
      for (const shardFile of shardFiles) shards.push(await readOrNotFound(shardFile, `weight file of ${modelJsonFile}`));
      return { modelTopology, weightSpecs: weightsManifest.flatMap((group) => group.weights), weightData: Buffer.concat(shards) };
    },
  };
}

async function readModelJson(file: string): Promise<{ modelTopology: unknown; weightsManifest: io.WeightsManifestConfig }> {
  const text = (await readOrNotFound(file, 'model.json')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BackboneInvalidError(file, `it is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const artifacts = json as { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown } | null;
  if (typeof artifacts !== 'object' || artifacts === null || artifacts.modelTopology === undefined) {
    throw new BackboneInvalidError(file, 'it has no `modelTopology`');
  }
  if (artifacts.format === 'graph-model') {
    throw new BackboneInvalidError(file, 'it is a graph model, which has no layers to cut; convert the Keras model with --output_format tfjs_layers_model');
  }
  const manifest = artifacts.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every(isManifestGroup)) {
    throw new BackboneInvalidError(file, 'its `weightsManifest` is missing or malformed (expected [{ paths: [...], weights: [...] }])');
  }
  return { modelTopology: artifacts.modelTopology, weightsManifest: manifest };
}

type ManifestGroup = io.WeightsManifestConfig[number];

function isManifestGroup(group: unknown): group is ManifestGroup {
  const candidate = group as Partial<ManifestGroup> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Array.isArray(candidate.paths) &&
    candidate.paths.every((shard) => typeof shard === 'string') &&
    Array.isArray(candidate.weights) &&
    candidate.weights.every((spec) => typeof spec?.name === 'string' && Array.isArray(spec.shape) && typeof spec.dtype === 'string')
  );
}

async function readOrNotFound(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? `${what} does not exist` : code === 'EISDIR' ? `${what} is a directory, not a file` : (error as Error).message;
    throw new BackboneNotFoundError(file, detail, { cause: error });
  }
}
