import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Backbone } from '../backbones/backbone.ts';
import { pathExists } from '../data/build-folder-once.ts';
import { converterVersion, convertToOnnx } from './convert-to-onnx.ts';

/** What a converted backbone's bytes depend on besides the converter: the key of its file. */
export interface OnnxBackboneIdentity {
  /** The backbone's label (`Backbone.name`). */
  readonly name: string;
  /** The source model's weightsHash, which also covers its topology. */
  readonly weightsHash: string;
  /** The output layers, in any order. */
  readonly outputs: readonly string[];
  /** [height, width], fixed in the converted model's input. */
  readonly imageSize: readonly [number, number];
}

/**
 * The `.onnx` file of `backbone` up to `outputs`, converted once and kept at
 * `<cacheDir>/onnx/<key>.onnx` (see onnxBackbonePath). The file appears by rename, so a crash or a
 * concurrent run never leaves a half-written one that a later run would load.
 */
export async function onnxBackboneFile(backbone: Backbone, outputs: readonly string[], cacheDir: string): Promise<string> {
  const [, height, width] = backbone.model.inputs[0]!.shape;
  const file = onnxBackbonePath({ name: backbone.name, weightsHash: backbone.weightsHash, outputs, imageSize: [height!, width!] }, cacheDir);
  if (await pathExists(file)) return file;
  const bytes = convertToOnnx(backbone.model, outputLayers(outputs));
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return file;
}

/**
 * Where the `.onnx` file of a backbone identified so is kept, whether or not it exists: the key
 * covers everything the bytes depend on, so a process can open a file another converted without
 * building the backbone itself.
 */
export function onnxBackbonePath(identity: OnnxBackboneIdentity, cacheDir: string): string {
  const layers = outputLayers(identity.outputs);
  const [height, width] = identity.imageSize;
  const key = JSON.stringify({ converterVersion, weightsHash: identity.weightsHash, layers, imageSize: [height, width] });
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
  // Readable for someone listing the folder; the digest alone keeps keys distinct.
  const label = `${identity.name}-${layers.join('+')}-${height}x${width}`.replace(/[^\w.+-]+/g, '_').slice(0, 80);
  return path.join(cacheDir, 'onnx', `${label}-${digest}.onnx`);
}

/** The output layers a converted backbone has, and its key names: each once, sorted. */
function outputLayers(outputs: readonly string[]): string[] {
  return [...new Set(outputs)].sort();
}
