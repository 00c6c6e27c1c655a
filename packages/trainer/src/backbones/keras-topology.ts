import { BackboneInvalidError } from './backbone-errors.ts';

type JsonObject = Record<string, unknown>;

/** One layer of a Keras / TensorFlow.js topology, reduced to what cutting it needs. */
export interface TopologyLayer {
  readonly name: string;
  readonly className: string;
  /** Layers whose outputs feed this one, over all of its call nodes. */
  readonly inputs: readonly string[];
  readonly json: JsonObject;
}

/**
 * A parsed `modelTopology`. Functional models carry their graph in `inbound_nodes`; Sequential
 * ones are a chain, so each layer's input is simply the previous layer.
 */
export interface LayerGraph {
  readonly kind: 'functional' | 'sequential';
  /** In file order, which Keras and tfjs write topologically (inputs before their consumers). */
  readonly layers: readonly TopologyLayer[];
  readonly modelConfig: JsonObject;
}

/** Layers that normalise pixels themselves; feeding them pre-rescaled pixels scales twice. */
const rescalingClasses = new Set(['Rescaling', 'Normalization']);

export function parseTopology(modelTopology: unknown, file: string): LayerGraph {
  const invalid = (detail: string) => new BackboneInvalidError(file, detail);
  if (!isObject(modelTopology)) throw invalid('`modelTopology` is missing or not an object');
  // Keras-converted files wrap the model in `model_config`; tfjs's own `model.save` does not.
  const modelConfig = isObject(modelTopology['model_config']) ? modelTopology['model_config'] : modelTopology;
  const className = modelConfig['class_name'];
  const config = modelConfig['config'];
  if (className === 'Sequential') {
    // Keras < 2.2.3 stored a Sequential config as the bare layer list.
    const layerList = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
    if (!Array.isArray(layerList)) throw invalid('its Sequential topology has no `layers` list');
    const layers = layerList.map((json, index) => {
      const layer = readLayer(json, index, invalid);
      const previous = index > 0 ? layerName(layerList[index - 1]) : undefined;
      return { ...layer, inputs: previous === undefined ? [] : [previous] };
    });
    return { kind: 'sequential', layers, modelConfig: { class_name: className, config: { ...(isObject(config) ? config : {}), layers: layerList } } };
  }
  if ((className === 'Model' || className === 'Functional') && isObject(config) && Array.isArray(config['layers'])) {
    const layers = config['layers'].map((json, index) => {
      const layer = readLayer(json, index, invalid);
      return { ...layer, inputs: inboundLayerNames(layer, invalid) };
    });
    return { kind: 'functional', layers, modelConfig };
  }
  if (isObject(modelTopology['node']) || Array.isArray(modelTopology['node'])) {
    throw invalid('it is a graph model (tensorflowjs_converter --output_format tfjs_graph_model), which has no layers to cut; convert it as a layers model');
  }
  throw invalid(`expected a Sequential, Model or Functional topology, found class_name ${JSON.stringify(className)}`);
}

/** Layer names a cutoff may name (every layer except the input placeholders), in model order. */
export function cuttableLayerNames(graph: LayerGraph): string[] {
  return graph.layers.filter((layer) => layer.className !== 'InputLayer').map((layer) => layer.name);
}

/**
 * Layers after which the model is a clean chain again: nothing later reads from anything earlier.
 * For a user's model these are the natural cutoffs (block outputs), the same role mixed0…mixed10
 * play in InceptionV3.
 */
export function cleanCutPoints(graph: LayerGraph): string[] {
  const position = new Map(graph.layers.map((layer, index) => [layer.name, index]));
  const cuts: string[] = [];
  let earliestLaterInput = Number.POSITIVE_INFINITY;
  for (let index = graph.layers.length - 1; index >= 0; index--) {
    const layer = graph.layers[index]!;
    if (layer.className !== 'InputLayer' && earliestLaterInput >= index) cuts.push(layer.name);
    for (const input of layer.inputs) earliestLaterInput = Math.min(earliestLaterInput, position.get(input) ?? index);
  }
  return cuts.reverse();
}

/** `layer` and every layer it depends on, in model order: all the model needs to compute `layer`. */
export function ancestorsOf(graph: LayerGraph, layer: string): string[] {
  const byName = new Map(graph.layers.map((entry) => [entry.name, entry]));
  const needed = new Set<string>();
  const pending = [layer];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (needed.has(name)) continue;
    needed.add(name);
    pending.push(...(byName.get(name)?.inputs ?? []));
  }
  return graph.layers.filter((entry) => needed.has(entry.name)).map((entry) => entry.name);
}

export function rescalingLayers(graph: LayerGraph, kept: ReadonlySet<string>): string[] {
  return graph.layers.filter((layer) => kept.has(layer.name) && rescalingClasses.has(layer.className)).map((layer) => layer.name);
}

/**
 * The topology of only `kept` layers (ancestors of `cutoff`, in model order), outputting `cutoff`
 * and taking [batch, height, width, channels] images. Layer JSON is copied, never mutated: the
 * embedded topologies are shared module exports, and tfjs writes into configs it deserialises.
 */
export function cutTopology(
  graph: LayerGraph,
  kept: readonly string[],
  cutoff: string,
  imageSize: readonly [number, number],
  file: string,
): JsonObject {
  const keptSet = new Set(kept);
  const layers = graph.layers.filter((layer) => keptSet.has(layer.name));
  const inputs = layers.filter((layer) => layer.inputs.length === 0);
  const first = inputs[0];
  if (first === undefined || inputs.length > 1) {
    throw new BackboneInvalidError(file, `the model up to '${cutoff}' must take exactly one image input, found ${inputs.length}`);
  }
  const layerJson = layers.map((layer) => structuredClone(layer.json));
  const firstConfig = layerJson[layers.indexOf(first)]!['config'] as JsonObject;
  firstConfig['batch_input_shape'] = [null, imageSize[0], imageSize[1], imageChannels(firstConfig, file)];
  const config: JsonObject = { ...(graph.modelConfig['config'] as JsonObject), layers: layerJson };
  if (graph.kind === 'functional') {
    config['input_layers'] = [[first.name, 0, 0]];
    config['output_layers'] = [[cutoff, 0, 0]];
  }
  return { class_name: graph.modelConfig['class_name'], config };
}

function imageChannels(inputConfig: JsonObject, file: string): number {
  const shape = inputConfig['batch_input_shape'];
  const channels = Array.isArray(shape) && shape.length === 4 ? shape[3] : undefined;
  if (typeof channels !== 'number' || channels < 1) {
    throw new BackboneInvalidError(
      file,
      `its input must be images [batch, height, width, channels] with a known channel count, found batch_input_shape ${JSON.stringify(shape)}`,
    );
  }
  return channels;
}

function readLayer(json: unknown, index: number, invalid: (detail: string) => Error): Omit<TopologyLayer, 'inputs'> {
  const name = layerName(json);
  if (!isObject(json) || name === undefined || typeof json['class_name'] !== 'string' || !isObject(json['config'])) {
    throw invalid(`layer #${index} has no name, class_name or config`);
  }
  return { name, className: json['class_name'], json };
}

function layerName(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  const name = json['name'] ?? (isObject(json['config']) ? json['config']['name'] : undefined);
  return typeof name === 'string' ? name : undefined;
}

/** Keras 2 / tfjs nodes are lists of [layer, nodeIndex, tensorIndex, kwargs]. */
function inboundLayerNames(layer: Omit<TopologyLayer, 'inputs'>, invalid: (detail: string) => Error): string[] {
  const nodes = layer.json['inbound_nodes'] ?? [];
  const names = new Set<string>();
  if (!Array.isArray(nodes)) throw invalid(`layer '${layer.name}' has malformed inbound_nodes`);
  for (const node of nodes) {
    if (!Array.isArray(node)) {
      throw invalid(`layer '${layer.name}' uses the Keras 3 node format, which TensorFlow.js cannot load; save the model with Keras 2 (tf.keras)`);
    }
    for (const inbound of node) {
      if (!Array.isArray(inbound) || typeof inbound[0] !== 'string') throw invalid(`layer '${layer.name}' has malformed inbound_nodes`);
      names.add(inbound[0]);
    }
  }
  return [...names];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
