import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ExportInvalidError, isTlabError } from '@tlab/core';
import { userModelSource } from '../backbones/user-model.ts';
import { createOnnxFeatureExtractor } from '../onnx/onnx-feature-extractor.ts';
import type { ExportInfo } from './export-metadata.ts';
import { exportFiles } from './write-export.ts';
import { loadModelWithWeights } from '../weights/load-with-weights.ts';

/** Preprocessed pixels in, one probability per class out: a trained run in memory, or an export on disk. */
export interface ImageClassifier {
  /** What runs it, for progress lines: `tfjs (wasm)`, `onnxruntime`. */
  readonly engine: string;
  /** `pixels`: `count` images [height, width, 3], NHWC, preprocessed as in training → count × classes. */
  classify(pixels: Float32Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

/** `model` must output one probability per class (a classifier from loadClassifier, or an exported model.json). */
export function tfjsClassifier(model: tf.LayersModel, imageSize: readonly [number, number], dispose: () => void): ImageClassifier {
  return {
    engine: `tfjs (${tf.getBackend()})`,
    async classify(pixels, count) {
      const output = tf.tidy(() => model.predict(tf.tensor4d(pixels, [count, imageSize[0], imageSize[1], 3])) as tf.Tensor);
      try {
        return (await output.data()) as Float32Array;
      } finally {
        output.dispose();
      }
    },
    dispose,
  };
}

/** An exported model.onnx: NCHW input `input`, output `output` (one probability per class). */
export async function onnxClassifier(file: string, imageSize: readonly [number, number], threads?: number): Promise<ImageClassifier> {
  const session = await createOnnxFeatureExtractor(file, threads === undefined ? {} : { threads });
  return {
    engine: 'onnxruntime',
    async classify(pixels, count) {
      const outputs = await session.run(pixels, count, imageSize[0], imageSize[1]);
      return outputs['output']!.data;
    },
    dispose: () => void session.dispose(),
  };
}

/** An export folder (`tlab export`) as a classifier: model.onnx on onnxruntime, model.json on tfjs. */
export async function exportClassifier(info: ExportInfo): Promise<ImageClassifier> {
  if (info.format === 'onnx') return onnxClassifier(path.join(info.dir, exportFiles.onnx), info.imageSize);
  const modelJson = path.join(info.dir, exportFiles.modelJson);
  let model: tf.LayersModel;
  try {
    const { modelTopology, weightSpecs, weightData } = await userModelSource(modelJson).readModel();
    const weights = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
    model = await loadModelWithWeights({ modelTopology: modelTopology as object, weightSpecs: [...weightSpecs], weightData: weights });
  } catch (error) {
    if (isTlabError(error)) throw new ExportInvalidError(modelJson, error.message);
    throw new ExportInvalidError(modelJson, `TensorFlow.js cannot load it: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  return tfjsClassifier(model, info.imageSize, () => model.dispose());
}
