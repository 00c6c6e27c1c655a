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
        const shardFiles = weightsManifest.flatMap((group) => group.paths.map((shard) => path.join(path.dirname(modelFile), `${shard}.min.js`)));
        return { modelTopology, weightSpecs: weightsManifest.flatMap((group) => group.weights), weightData: decodeShards(shardFiles) };
      }),
  };
}

/**
 * Each embedded model's bytes, read once per process and shared read-only: a sweep needs them for
 * the weights hash, for each backbone check and for each frozen part it builds, and each read takes
 * about 0.3 s of a sweep's start here (InceptionV3: 29 MB of base64 for 22 MB kept in memory).
 */
const readOnce = remembered<RawModel>();

/** What precedes the base64 string in a weight shard module (`….exports="…"`). */
const exportsMarker = '.exports="';

/**
 * The bytes the weight shard modules export, each as one base64 string, decoded in order into one
 * buffer. Requiring the modules instead has V8 compile 29 MB of script for six string literals
 * (0.69 s for InceptionV3's shards). Reading them as text, a regular expression to find each
 * literal and a concatenation of the decoded shards took 0.46 s of a fresh process; `indexOf` and
 * decoding into one buffer take 0.3 s (measured here). A process reads them once (see readOnce).
 */
export function decodeShards(shardFiles: readonly string[]): Buffer {
  const shards = shardFiles.map((file) => {
    const base64 = shardBase64(file);
    return { file, base64, length: Buffer.byteLength(base64, 'base64') };
  });
  const bytes = Buffer.allocUnsafe(shards.reduce((sum, shard) => sum + shard.length, 0));
  let offset = 0;
  for (const { file, base64, length } of shards) {
    // Node's decoder skips characters outside the alphabet, which leaves fewer bytes than the length implies.
    if (bytes.write(base64, offset, 'base64') !== length) throw new BackboneInvalidError(file, 'the string the shard module exports is not base64');
    offset += length;
  }
  return bytes;
}

/** The base64 text a weight shard module exports (`….exports="…"`), taken from the file's text. */
function shardBase64(shardFile: string): string {
  let text: Buffer;
  try {
    text = readFileSync(shardFile);
  } catch (error) {
    throw new BackboneNotFoundError(shardFile, 'the nsfwjs package does not contain this weight shard (nsfwjs@4.4.0 is expected)', { cause: error });
  }
  const start = text.indexOf(exportsMarker);
  const end = start < 0 ? -1 : text.indexOf('"', start + exportsMarker.length);
  if (end < 0) throw new BackboneInvalidError(shardFile, 'the shard module does not export a base64 string');
  return text.toString('latin1', start + exportsMarker.length, end);
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
