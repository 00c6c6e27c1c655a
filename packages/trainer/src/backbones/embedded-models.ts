import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { BackboneInvalidError, BackboneNotFoundError } from './backbone-errors.ts';
import { remembered } from '../memo/remembered.ts';
import type { ModelSource } from './model-source.ts';
import type { RawModel } from './weight-manifest.ts';

export type EmbeddedModelName = 'inception_v3' | 'mobilenet_v2';

const require = createRequire(import.meta.url);

/**
 * The nsfwjs model itself, the source of the `embedded` weights (its topology is the Keras one the
 * TypeScript architectures reproduce). nsfwjs ships each model as UMD CommonJS modules: the model JSON, and one module per weight shard
 * exporting the shard's bytes as base64. Its `exports` map forbids importing them by subpath, so
 * they are read by file path from the package folder.
 */
export function embeddedModelSource(name: EmbeddedModelName): ModelSource {
  const modelFile = path.join(nsfwjsModelsDir(), name, 'model.min.js');
  const readModelModule = () => requireModelModule(modelFile);
  return {
    label: name,
    file: modelFile,
    immutable: true,
    readTopology: async () => readModelModule().modelTopology,
    readModel: () =>
      readOnce(modelFile, async () => {
        const { modelTopology, weightsManifest } = readModelModule();
        const shards = weightsManifest.flatMap((group) =>
          group.paths.map((shard) => {
            const shardFile = path.join(path.dirname(modelFile), `${shard}.min.js`);
            return Buffer.from(shardBase64(shardFile), 'base64');
          }),
        );
        return { modelTopology, weightSpecs: weightsManifest.flatMap((group) => group.weights), weightData: Buffer.concat(shards) };
      }),
  };
}

/**
 * Each embedded model's bytes, read once per process and shared read-only: a sweep needs them for
 * the weights hash, for each backbone check and for each frozen part it builds, and each read took
 * 0.4-0.5 s of a sweep's start here (InceptionV3: 29 MB of base64 for 22 MB kept in memory).
 */
const readOnce = remembered<RawModel>();

/**
 * The base64 text a weight shard module exports (`….exports="…"`), taken from the file's text.
 * Requiring the module instead has V8 compile 29 MB of script for one string literal: 0.69 s for
 * the six InceptionV3 shards, against 0.22 s read as text (measured here; a process reads them
 * once, see readOnce).
 */
function shardBase64(shardFile: string): string {
  let text: string;
  try {
    text = readFileSync(shardFile, 'latin1');
  } catch (error) {
    throw new BackboneNotFoundError(shardFile, 'the nsfwjs package does not contain this weight shard (nsfwjs@4.4.0 is expected)', { cause: error });
  }
  const literal = /\.exports="([A-Za-z0-9+/]*={0,2})"/.exec(text);
  if (literal === null) throw new BackboneInvalidError(shardFile, 'the shard module does not export a base64 string');
  return literal[1]!;
}

interface ModelModule {
  modelTopology: unknown;
  weightsManifest: io.WeightsManifestConfig;
}

function requireModelModule(modelFile: string): ModelModule {
  let exported: unknown;
  try {
    exported = require(modelFile);
  } catch (error) {
    throw new BackboneNotFoundError(modelFile, 'the nsfwjs package does not contain this model (nsfwjs@4.4.0 is expected)', { cause: error });
  }
  const module = exported as Partial<ModelModule> | null;
  if (module?.modelTopology === undefined || !Array.isArray(module.weightsManifest)) {
    throw new BackboneInvalidError(modelFile, 'the module does not export modelTopology and weightsManifest');
  }
  return module as ModelModule;
}

/** Resolving the package's main entry is allowed by its exports map; its root is found from there. */
function nsfwjsModelsDir(): string {
  let entry: string;
  try {
    entry = require.resolve('nsfwjs');
  } catch (error) {
    throw new BackboneNotFoundError('nsfwjs', 'the nsfwjs package is not installed', { cause: error });
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (packageName(path.join(dir, 'package.json')) === 'nsfwjs') return path.join(dir, 'dist', 'models');
  }
  throw new BackboneNotFoundError(entry, 'cannot find the nsfwjs package folder above its main entry');
}

function packageName(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}
