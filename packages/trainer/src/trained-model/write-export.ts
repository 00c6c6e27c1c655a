import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { convertToOnnx } from '../onnx/convert-to-onnx.ts';
import type { ExportFormat } from '../options/export-formats.ts';

/** The file names Teachable Machine's image-model export uses (plus model.onnx for ONNX). */
export const exportFiles = { modelJson: 'model.json', weights: 'weights.bin', onnx: 'model.onnx', metadata: 'metadata.json' } as const;

/**
 * Writes `model` into `dir` as a tfjs LayersModel (`model.json` + one `weights.bin`, loadable by
 * `tf.loadLayersModel`) or as one ONNX graph (`model.onnx`: NCHW input `input`, output `output`),
 * plus `metadata.json`. Each file is written under a temporary name and renamed, so a folder never
 * holds a half-written file under a final name. Returns the files written.
 */
export async function writeExport(model: tf.LayersModel, dir: string, format: ExportFormat, metadata: object): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: Array<[name: string, bytes: Uint8Array | string]> = [];
  if (format === 'onnx') {
    files.push([exportFiles.onnx, convertToOnnx(model, ['output'])]);
  } else {
    const artifacts = await saveToMemory(model);
    const modelJson = {
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [exportFiles.weights], weights: artifacts.weightSpecs }],
    };
    files.push([exportFiles.modelJson, JSON.stringify(modelJson)], [exportFiles.weights, artifacts.weightData]);
  }
  files.push([exportFiles.metadata, `${JSON.stringify(metadata, null, 2)}\n`]);
  for (const [name, bytes] of files) {
    const target = path.join(dir, name);
    const temporary = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, target);
  }
  return files.map(([name]) => path.join(dir, name));
}

async function saveToMemory(model: tf.LayersModel): Promise<{ modelTopology: object; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: Uint8Array; generatedBy: string }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const data = saved!.weightData;
  const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
  return {
    modelTopology: saved!.modelTopology as object,
    weightSpecs: saved!.weightSpecs ?? [],
    weightData: Buffer.concat(buffers.map((b) => new Uint8Array(b))),
    generatedBy: saved!.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
  };
}
