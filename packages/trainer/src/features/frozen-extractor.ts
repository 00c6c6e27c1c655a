import * as tf from '@tensorflow/tfjs';
import type { BackboneConfig } from '../backbones/backbone.ts';
import { modelSourceFor } from '../backbones/model-source.ts';
import { pathExists } from '../data/build-folder-once.ts';
import { createOnnxFeatureExtractor, type OnnxFeatureExtractor } from '../onnx/onnx-feature-extractor.ts';
import { onnxBackboneFile, onnxBackbonePath } from '../onnx/onnx-backbone-file.ts';
import { UnsupportedLayerError } from '../onnx/onnx-errors.ts';
import type { FrozenEngine } from '../options/frozen-engines.ts';
import type { FrozenPart } from './frozen-part.ts';

/** Runs the frozen part: pixels in, one NHWC feature map per cutoff out. */
export interface FrozenExtractor {
  readonly engine: FrozenEngine;
  readonly threads: number;
  readonly cutoffs: readonly string[];
  readonly featureShapes: Readonly<Record<string, readonly number[]>>;
  /** `pixels` holds n images [n, h, w, 3] already rescaled. */
  extract(pixels: Float32Array, n: number): Promise<Record<string, Float32Array>>;
  dispose(): Promise<void>;
}

export interface FrozenExtractorOptions {
  /** What runs the frozen part (the runner's settings: --frozen-engine, TLAB_FROZEN_ENGINE, else onnx). */
  readonly engine: FrozenEngine;
  /** Where converted `.onnx` files are kept. */
  readonly cacheDir: string;
  readonly warn: (message: string) => void;
  /** tfjs backend threads, recorded for the tfjs engine. */
  readonly tfjsThreads: number;
  /** ONNX Runtime's intra-op threads; every core unless several workers share the machine. */
  readonly onnxThreads?: number | undefined;
}

/**
 * ONNX Runtime runs the frozen convolutions ~8× faster than tfjs's wasm backend (110 vs 13
 * images/s on a 2-core Zen 4, and it uses both cores), so it is the default; a layer the converter does not
 * know sends that backbone to tfjs with a message naming the layer.
 */
export async function createFrozenExtractor(part: FrozenPart, options: FrozenExtractorOptions): Promise<FrozenExtractor> {
  if (options.engine === 'onnx') {
    try {
      return await onnxExtractor(part, options.cacheDir, options.onnxThreads);
    } catch (error) {
      if (!(error instanceof UnsupportedLayerError)) throw error;
      options.warn(`frozen part of ${part.backbone.name} runs on tfjs, not ONNX Runtime: ${error.message}`);
    }
  }
  return tfjsExtractor(part, options.tfjsThreads);
}

/**
 * The frozen part of `backbone` for `cutoffs` from the `.onnx` file a process sharing `cacheDir`
 * converted before, without building the backbone in tfjs (the embedded InceptionV3's build took
 * about 2.5 CPU-seconds and its own heap here); undefined when the engine is not ONNX Runtime or
 * no such file exists yet. `weightsHash` is the source model's, as a variant records it.
 */
export async function openConvertedFrozenPart(
  backbone: BackboneConfig,
  cutoffs: readonly string[],
  imageSize: [number, number],
  weightsHash: string,
  options: FrozenExtractorOptions,
): Promise<FrozenExtractor | undefined> {
  if (options.engine !== 'onnx') return undefined;
  const name = modelSourceFor(backbone, imageSize).label;
  const file = onnxBackbonePath({ name, weightsHash, outputs: cutoffs, imageSize }, options.cacheDir);
  if (!(await pathExists(file))) return undefined;
  const session = await openOnnxSession(file, options.onnxThreads);
  return onnxFrozenExtractor(session, session.outputs, session.featureShapes, imageSize);
}

async function onnxExtractor(part: FrozenPart, cacheDir: string, threads: number | undefined): Promise<FrozenExtractor> {
  const session = await openOnnxSession(await onnxBackboneFile(part.backbone, part.cutoffs, cacheDir), threads);
  return onnxFrozenExtractor(session, part.cutoffs, part.featureShapes, imageSizeOf(part));
}

function openOnnxSession(file: string, threads: number | undefined): Promise<OnnxFeatureExtractor> {
  return createOnnxFeatureExtractor(file, threads === undefined ? {} : { threads });
}

function onnxFrozenExtractor(
  session: OnnxFeatureExtractor,
  cutoffs: readonly string[],
  featureShapes: FrozenExtractor['featureShapes'],
  [height, width]: [number, number],
): FrozenExtractor {
  return {
    engine: 'onnx',
    threads: session.threads,
    cutoffs,
    featureShapes,
    async extract(pixels, n) {
      const outputs = await session.run(pixels, n, height, width);
      return Object.fromEntries(cutoffs.map((cutoff) => [cutoff, outputs[cutoff]!.data]));
    },
    dispose: () => session.dispose(),
  };
}

function tfjsExtractor(part: FrozenPart, threads: number): FrozenExtractor {
  const [height, width] = imageSizeOf(part);
  return {
    engine: 'tfjs',
    threads,
    cutoffs: part.cutoffs,
    featureShapes: part.featureShapes,
    async extract(pixels, n) {
      const outputs = tf.tidy(() => {
        const result = part.model.predict(tf.tensor4d(pixels, [n, height, width, 3]));
        return Array.isArray(result) ? result : [result];
      });
      try {
        const data = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
        return Object.fromEntries(part.cutoffs.map((cutoff, i) => [cutoff, data[i]!]));
      } finally {
        tf.dispose(outputs);
      }
    },
    dispose: async () => undefined,
  };
}

function imageSizeOf(part: FrozenPart): [number, number] {
  const [, height, width] = part.model.inputs[0]!.shape;
  return [height!, width!];
}
