import * as tf from '@tensorflow/tfjs';
import type { BackboneConfig } from '../backbones/backbone.ts';
import { planCut } from '../backbones/cut-plan.ts';
import { cleanCutPoints, parseTopology, type LayerGraph } from '../backbones/keras-topology.ts';
import { loadBackbone } from '../backbones/load-backbone.ts';
import { modelSourceFor, type ModelSource } from '../backbones/model-source.ts';
import { FinetuneUnsupportedError, TrainableFromSplitError, type TrainableFromChoice } from './finetune-errors.ts';
import { applyFrozenBatchNorm } from './frozen-batch-norm.ts';
import { assertTrainableOnBackend } from './gradient-kernels.ts';
import { blockStarts, frozenInputsByStart, nearestStart, validStarts } from './trainable-region.ts';

/** Which layers fine-tuning trains, and the one frozen layer that feeds them. */
export interface TrainableBlockPlan {
  /** The frozen layer whose output feeds the trained layers: the frozen part is cut (and cached) here. */
  readonly boundary: string;
  /** `trainable_from` up to the cutoff, in model order. */
  readonly layers: readonly string[];
}

/** The trained part of a fine-tuned backbone, fed by cached features of `boundary`. */
export interface TrainableBlock {
  readonly boundary: string;
  /** Output shape of `boundary` without the batch dimension, e.g. [7, 7, 768]. */
  readonly boundaryShape: readonly number[];
  /** Output shape of the cutoff without the batch dimension: what the head takes. */
  readonly featureShape: readonly number[];
  /**
   * Boundary features → cutoff features. Its layers are the pretrained ones (trainable), except
   * that each BatchNormalization is a constant FrozenBatchNorm.
   */
  readonly model: tf.LayersModel;
  /** Trainable weight tensors, and the numbers in them. */
  readonly trainableWeightCount: number;
  readonly trainableParamCount: number;
  dispose(): void;
}

/** Validates `trainable_from` from the topology alone, so a dry run reports a split start without loading weights. */
export async function planTrainableBlock(config: BackboneConfig): Promise<TrainableBlockPlan> {
  const from = config.trainable_from;
  if (from === undefined) throw new RangeError('fine-tuning needs backbone.trainable_from');
  const { source, graph, kept } = await readCut(config);
  const inputsByStart = frozenInputsByStart(graph, kept);
  const frozenInputs = inputsByStart.get(from)!;
  if (frozenInputs.length !== 1) {
    const valid = validStarts(inputsByStart, kept);
    throw new TrainableFromSplitError({
      backbone: source.label,
      trainableFrom: from,
      cutoff: config.cutoff,
      frozenInputs,
      nearest: nearestStart(valid, kept, from),
      choices: blockStarts(valid, blockOutputs(source, graph)),
    });
  }
  return { boundary: frozenInputs[0]!, layers: kept.slice(kept.indexOf(from)) };
}

/**
 * Where `trainable_from` can start for `config.cutoff`: the first layer after each block output
 * (for InceptionV3, the first layer after each mixedN), deepest last.
 */
export async function trainableFromSuggestions(config: BackboneConfig): Promise<TrainableFromChoice[]> {
  const { source, graph, kept } = await readCut({ ...config, trainable_from: undefined });
  return blockStarts(validStarts(frozenInputsByStart(graph, kept), kept), blockOutputs(source, graph));
}

/**
 * The layers from `trainable_from` to the cutoff as a model of their own, for images of
 * `imageSize`. The pretrained layer objects are re-applied to a new input (so they keep their
 * weights), and the frozen part's weights are freed as soon as the block is built.
 */
export async function loadTrainableBlock(config: BackboneConfig, imageSize: [number, number]): Promise<TrainableBlock> {
  const plan = await planTrainableBlock(config);
  const backbone = await loadBackbone(config, imageSize);
  let model: tf.LayersModel;
  try {
    model = rebuildBlock(backbone.model, plan, backbone.name);
  } finally {
    // Layers the block re-applied hold a second reference, so only the frozen part's weights go.
    backbone.dispose();
  }
  const trainable = model.trainableWeights;
  return {
    boundary: plan.boundary,
    boundaryShape: model.inputs[0]!.shape.slice(1) as number[],
    featureShape: backbone.featureShape,
    model,
    trainableWeightCount: trainable.length,
    trainableParamCount: trainable.reduce((sum, weight) => sum + tf.util.sizeFromShape(weight.shape as number[]), 0),
    dispose: () => model.dispose(),
  };
}

function rebuildBlock(source: tf.LayersModel, plan: TrainableBlockPlan, backbone: string): tf.LayersModel {
  const layers = plan.layers.map((name) => source.getLayer(name));
  const shared = layers.find((layer) => layer.inboundNodes.length !== 1);
  if (shared !== undefined) {
    throw new FinetuneUnsupportedError(backbone, shared.name, `it is called ${shared.inboundNodes.length} times (a shared layer), and only layers called once can be rebuilt`);
  }
  assertTrainableOnBackend(layers, backbone);
  const boundaryOutput = source.getLayer(plan.boundary).output as tf.SymbolicTensor;
  // Read before re-applying: a layer called twice no longer has a single `output`.
  const cutoffOutput = layers[layers.length - 1]!.output as tf.SymbolicTensor;
  const input = tf.input({ shape: boundaryOutput.shape.slice(1), name: `${plan.boundary}_features` });
  // Original symbolic tensor id → its counterpart in the block.
  const rebuilt = new Map<number, tf.SymbolicTensor>([[boundaryOutput.id, input]]);
  for (const layer of layers) {
    const node = layer.inboundNodes[0]!;
    const inputs = node.inputTensors.map((tensor) => rebuilt.get(tensor.id)!);
    const outputs =
      layer.getClassName() === 'BatchNormalization'
        ? applyFrozenBatchNorm(layer, inputs[0]!)
        : layer.apply(inputs.length === 1 ? inputs[0]! : inputs, node.callArgs);
    const outputList = Array.isArray(outputs) ? outputs : [outputs];
    node.outputTensors.forEach((tensor, i) => rebuilt.set(tensor.id, outputList[i] as tf.SymbolicTensor));
  }
  return tf.model({ inputs: input, outputs: rebuilt.get(cutoffOutput.id)!, name: `${plan.layers[plan.layers.length - 1]!}_block` });
}

async function readCut(config: BackboneConfig): Promise<{ source: ModelSource; graph: LayerGraph; kept: readonly string[] }> {
  const source = modelSourceFor(config);
  const graph = parseTopology(await source.readTopology(), source.file);
  return { source, graph, kept: planCut(source, graph, config).kept };
}

/** Curated cutoffs are the block outputs when the backbone has them; a user's model falls back to its clean cut points. */
function blockOutputs(source: ModelSource, graph: LayerGraph): readonly string[] {
  return source.curatedCutoffs ?? cleanCutPoints(graph);
}
