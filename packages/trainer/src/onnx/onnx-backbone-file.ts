import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Backbone } from '../backbones/backbone.ts';
import { pathExists } from '../data/build-folder-once.ts';
import { converterVersion, convertToOnnx } from './convert-to-onnx.ts';

/**
 * The `.onnx` file of `backbone` up to `outputs`, converted once and kept at
 * `<cacheDir>/onnx/<key>.onnx`. The key covers everything the bytes depend on: the source model
 * (its weightsHash also covers the topology), the output layers, the image size (fixed in the
 * backbone's input) and the converter version. The file appears by rename, so a crash or a
 * concurrent run never leaves a half-written one that a later run would load.
 */
export async function onnxBackboneFile(backbone: Backbone, outputs: readonly string[], cacheDir: string): Promise<string> {
  const file = path.join(cacheDir, 'onnx', `${onnxBackboneKey(backbone, outputs)}.onnx`);
  if (await pathExists(file)) return file;
  const bytes = convertToOnnx(backbone.model, [...new Set(outputs)].sort());
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

function onnxBackboneKey(backbone: Backbone, outputs: readonly string[]): string {
  const layers = [...new Set(outputs)].sort();
  const [, height, width] = backbone.model.inputs[0]!.shape;
  const identity = JSON.stringify({ converterVersion, weightsHash: backbone.weightsHash, layers, imageSize: [height, width] });
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  // Readable for someone listing the folder; the digest alone keeps keys distinct.
  const label = `${backbone.name}-${layers.join('+')}-${height}x${width}`.replace(/[^\w.+-]+/g, '_').slice(0, 80);
  return `${label}-${digest}`;
}
