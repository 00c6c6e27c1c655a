import * as tf from '@tensorflow/tfjs';
import type { Backbone, BackboneConfig } from './backbone.ts';
import { BackboneInvalidError, ImageTooSmallError } from './backbone-errors.ts';
import { planCut, type CutPlan } from './cut-plan.ts';
import { cutTopology, cuttableLayerNames, parseTopology, rescalingLayers, type LayerGraph } from './keras-topology.ts';
import { modelSourceFor, type ModelSource } from './model-source.ts';
import { sliceWeights } from './weight-manifest.ts';
import { sourceWeightsHash } from './weights-hash.ts';

/**
 * The backbone cut at `config.cutoff` for images of `imageSize` ([height, width]), every layer
 * frozen except `trainable_from` onwards. Only the cutoff's ancestors are built, so the layers and
 * weights past it (e.g. nsfwjs's classifier head, which only fits 299×299) never exist.
 */
export async function loadBackbone(config: BackboneConfig, imageSize: [number, number]): Promise<Backbone> {
  if (imageSize.length !== 2 || !imageSize.every((side) => Number.isInteger(side) && side > 0)) {
    throw new RangeError(`imageSize must be [height, width] in whole pixels, got ${JSON.stringify(imageSize)}`);
  }
  const { source, graph, plan } = await planFromTopology(config, imageSize);
  const raw = await source.readModel();
  await source.checkWeightsCover?.(raw, plan.kept);
  const kept = new Set(plan.kept);
  const weights = sliceWeights(raw, new Set(graph.layers.map((layer) => layer.name)), kept, source.file);
  const modelTopology = cutTopology(graph, plan.kept, config.cutoff, imageSize, source.file);
  const weightsHash = await sourceWeightsHash(source, raw);
  const model = await buildModel(source, { modelTopology, ...weights });
  const collapsed = model.layers.find((layer) => outputShapes(layer).some((shape) => shape.some((dim) => dim !== null && dim <= 0)));
  if (collapsed !== undefined) {
    model.dispose();
    const detail = `layer '${collapsed.name}' would output ${JSON.stringify(collapsed.outputShape)}`;
    throw new ImageTooSmallError(source.label, config.cutoff, imageSize, detail);
  }
  const featureShape = model.outputs[0]!.shape.slice(1);
  if (!featureShape.every((dim) => dim !== null)) {
    model.dispose();
    throw new BackboneInvalidError(source.file, `the output of '${config.cutoff}' has no fixed size (${JSON.stringify(featureShape)})`);
  }
  for (const layer of model.layers) layer.trainable = plan.trainable.has(layer.name);
  return {
    name: source.label,
    cutoff: config.cutoff,
    model,
    featureShape,
    weightsHash,
    dispose: () => model.dispose(),
  };
}

/**
 * Every layer name a cutoff or trainable_from may use, in model order, from the topology alone.
 * `imageSize`, when known, is the size the backbone will be built at (an architecture is built once per size).
 */
export async function backboneLayerNames(config: BackboneConfig, imageSize?: [number, number]): Promise<string[]> {
  const source = modelSourceFor(config, imageSize);
  return cuttableLayerNames(parseTopology(await source.readTopology(), source.file));
}

export interface BackboneCheck {
  /**
   * Rescaling/Normalization layers the cut model applies to its own input. Empty for the embedded
   * backbones (nsfwjs feeds them x/255 from outside); when a user's model lists some, its pixels
   * must arrive unscaled (data.rescale: 1) or they are scaled twice.
   */
  readonly rescalingLayers: readonly string[];
}

/** Checks cutoff and trainable_from without reading weights, so a dry run catches typos quickly. */
export async function validateBackboneConfig(config: BackboneConfig, imageSize?: [number, number]): Promise<BackboneCheck> {
  const { graph, plan } = await planFromTopology(config, imageSize);
  return { rescalingLayers: rescalingLayers(graph, new Set(plan.kept)) };
}

/** The source model's weightsHash without building anything (cutoff and image size do not enter it). */
export function backboneWeightsHash(config: BackboneConfig): Promise<string> {
  return sourceWeightsHash(modelSourceFor(config));
}

async function planFromTopology(config: BackboneConfig, imageSize?: [number, number]): Promise<{ source: ModelSource; graph: LayerGraph; plan: CutPlan }> {
  const source = modelSourceFor(config, imageSize);
  const graph = parseTopology(await source.readTopology(), source.file);
  return { source, graph, plan: planCut(source, graph, config) };
}

async function buildModel(
  source: ModelSource,
  artifacts: { modelTopology: object; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer },
): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BackboneInvalidError(source.file, `TensorFlow.js cannot build it: ${message}`, { cause: error });
  }
}

/** tfjs does not reject too-small inputs; it propagates zero or negative sizes through the layers. */
function outputShapes(layer: tf.layers.Layer): Array<Array<number | null>> {
  const shape = layer.outputShape;
  return (Array.isArray(shape[0]) ? shape : [shape]) as Array<Array<number | null>>;
}
