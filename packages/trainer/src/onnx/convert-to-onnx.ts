import type * as tf from '@tensorflow/tfjs';
import { kerasPads } from './keras-padding.ts';
import { batchNormAffine, batchNormParameters, kernelToOihw, layerWeight } from './keras-weights.ts';
import { OnnxOutputNotFoundError, UnsupportedLayerError } from './onnx-errors.ts';
import { encodeOnnxModel, type OnnxAttribute, type OnnxGraph, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from './onnx-model-proto.ts';

type Layer = tf.layers.Layer;
type Config = ReturnType<Layer['getConfig']>;

/** The ONNX graph's only input: pixels as [N, channels, height, width], N free. */
export const onnxInputName = 'input';
const batchDim = 'N';

/** Bump whenever `convertToOnnx` would write different bytes for the same model: cached files are keyed by it. */
export const converterVersion = 1;

/**
 * Converts `model` from its input up to the layers named in `outputs` (each an output of the ONNX
 * graph, named after its layer) into an ONNX model: opset 13, NCHW, free batch size, the height and
 * width of the model's input. Only layers the outputs depend on are converted. A
 * BatchNormalization that directly follows a linear convolution is folded into the convolution's
 * kernel and bias, as inference engines expect. Any layer outside the supported set throws
 * `UnsupportedLayerError`.
 *
 * Besides a backbone's convolutional layers, a classification head on top converts too (Flatten
 * or global pooling → Dense → activation → Dropout → Dense with sigmoid or softmax), so a whole
 * trained classifier exports as one graph. Image values are NCHW inside the graph and vectors
 * [batch, features], as in Keras.
 */
export function convertToOnnx(model: tf.LayersModel, outputs: readonly string[]): Uint8Array {
  return encodeOnnxModel(buildOnnxGraph(model, outputs), { name: 'tlab', version: String(converterVersion) });
}

export function buildOnnxGraph(model: tf.LayersModel, outputs: readonly string[]): OnnxGraph {
  const requested = [...new Set(outputs)];
  if (requested.length === 0) throw new RangeError('convertToOnnx needs at least one output layer');
  const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
  const targets = requested.map((name) => byName.get(name) ?? throwNotFound(name, model.name));
  const layers = ancestorsInOrder(targets);
  const folds = foldableBatchNorms(layers, new Set(requested));
  const foldedAway = new Set([...folds.values()].map((bn) => bn.name));
  const builder = new GraphBuilder();
  const valueOf = new Map<string, string>();
  let input: OnnxValueInfo | undefined;
  for (const layer of layers) {
    if (foldedAway.has(layer.name)) continue;
    if (layer.getClassName() === 'InputLayer') {
      if (input !== undefined) throw new UnsupportedLayerError(layer.name, 'InputLayer', 'only models with a single input convert');
      input = graphInput(layer);
      valueOf.set(layer.name, input.name);
      continue;
    }
    const fold = folds.get(layer.name);
    const out = fold?.name ?? layer.name;
    const inputs = inboundLayers(layer).map((inbound) => valueOf.get(inbound.name)!);
    convertLayer(builder, layer, inputs, out, fold);
    valueOf.set(layer.name, out);
    if (fold !== undefined) valueOf.set(fold.name, out);
  }
  const graphOutputs = targets.map((layer) => {
    const value = valueOf.get(layer.name)!;
    // The input layer's value is the graph input, which has its own name.
    if (value !== layer.name) builder.node('Identity', layer.name, [value], [layer.name]);
    return { name: layer.name, dims: nchwDims(layer, outputShape(layer)) };
  });
  return { name: model.name, nodes: builder.nodes, initializers: builder.initializers, inputs: [input!], outputs: graphOutputs };
}

function throwNotFound(name: string, modelName: string): never {
  throw new OnnxOutputNotFoundError(name, modelName);
}

/** The layers `targets` depend on, each after its inputs. */
function ancestorsInOrder(targets: readonly Layer[]): Layer[] {
  const order: Layer[] = [];
  const seen = new Set<Layer>();
  const visit = (layer: Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (layer.inboundNodes.length > 1) {
      throw new UnsupportedLayerError(layer.name, layer.getClassName(), 'it is shared (applied to more than one input)');
    }
    for (const inbound of inboundLayers(layer)) visit(inbound);
    order.push(layer);
  };
  for (const target of targets) visit(target);
  return order;
}

function inboundLayers(layer: Layer): Layer[] {
  return layer.inboundNodes[0]?.inboundLayers ?? [];
}

/**
 * Convolutions whose BatchNormalization can be folded in, mapped to that BatchNormalization: the
 * convolution has no activation, feeds nothing else and is not itself a requested output.
 */
function foldableBatchNorms(layers: readonly Layer[], requested: ReadonlySet<string>): Map<string, Layer> {
  const consumers = new Map<string, number>();
  for (const layer of layers) {
    for (const inbound of inboundLayers(layer)) consumers.set(inbound.name, (consumers.get(inbound.name) ?? 0) + 1);
  }
  const folds = new Map<string, Layer>();
  for (const layer of layers) {
    const conv = inboundLayers(layer)[0];
    if (
      layer.getClassName() === 'BatchNormalization' &&
      conv !== undefined &&
      convolutionClasses.has(conv.getClassName()) &&
      conv.getConfig()['activation'] === 'linear' &&
      consumers.get(conv.name) === 1 &&
      !requested.has(conv.name) &&
      isChannelAxis(layer)
    ) {
      folds.set(conv.name, layer);
    }
  }
  return folds;
}

const convolutionClasses = new Set(['Conv2D', 'DepthwiseConv2D']);

function isChannelAxis(batchNorm: Layer): boolean {
  const axis = batchNorm.getConfig()['axis'];
  const rank = outputShape(batchNorm).length;
  return axis === -1 || axis === rank - 1;
}

function graphInput(layer: Layer): OnnxValueInfo {
  const shape = outputShape(layer);
  if (shape.length !== 4 || !shape.slice(1).every((dim) => typeof dim === 'number')) {
    throw new UnsupportedLayerError(layer.name, 'InputLayer', `its shape ${JSON.stringify(shape)} is not [batch, height, width, channels] with a fixed image size`);
  }
  return { name: onnxInputName, dims: nchwDims(layer, shape) };
}

/** Keras NHWC shape (batch null) → ONNX dims; rank-2 values (pooled or flattened features, Dense outputs) keep their layout. */
function nchwDims(layer: Layer, shape: ReadonlyArray<number | null>): Array<number | string> {
  const [, ...rest] = shape;
  if (!rest.every((dim): dim is number => typeof dim === 'number')) {
    throw new UnsupportedLayerError(layer.name, layer.getClassName(), `its output shape ${JSON.stringify(shape)} is not fixed`);
  }
  if (rest.length === 3) return [batchDim, rest[2]!, rest[0]!, rest[1]!];
  if (rest.length === 1) return [batchDim, ...rest];
  throw new UnsupportedLayerError(layer.name, layer.getClassName(), `its output has rank ${shape.length}; only images and vectors convert`);
}

function outputShape(layer: Layer): Array<number | null> {
  const shape = layer.outputShape;
  if (Array.isArray(shape[0])) throw new UnsupportedLayerError(layer.name, layer.getClassName(), 'it has more than one output');
  return shape as Array<number | null>;
}

/** [height, width] of a layer's (first) input. */
function inputSize(layer: Layer): [number, number] {
  const shape = layer.inboundNodes[0]?.inputTensors[0]?.shape;
  const [, height, width] = shape ?? [];
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new UnsupportedLayerError(layer.name, layer.getClassName(), 'its input has no fixed height and width');
  }
  return [height, width];
}

/** Rank of a layer's (first) input, batch included. */
function inputRank(layer: Layer): number {
  const shape = layer.inboundNodes[0]?.inputTensors[0]?.shape;
  if (shape === undefined) throw new UnsupportedLayerError(layer.name, layer.getClassName(), 'it has no input');
  return shape.length;
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly scalars = new Map<number, string>();

  node(opType: string, name: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, OnnxAttribute>): void {
    this.nodes.push({ opType, name, inputs, outputs, ...(attributes === undefined ? {} : { attributes }) });
  }

  constant(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) {
      name = this.constant(`scalar/${value}`, [], Float32Array.of(value));
      this.scalars.set(value, name);
    }
    return name;
  }
}

function convertLayer(b: GraphBuilder, layer: Layer, inputs: readonly string[], out: string, fold: Layer | undefined): void {
  const className = layer.getClassName();
  const config = layer.getConfig();
  const [input] = inputs as [string];
  const unsupported = (detail?: string) => new UnsupportedLayerError(layer.name, className, detail);
  if ('dataFormat' in config && config['dataFormat'] !== 'channelsLast') throw unsupported(`data format ${String(config['dataFormat'])}`);
  switch (className) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
      return convolution(b, layer, config, input, out, fold);
    case 'BatchNormalization':
      return batchNormalization(b, layer, input, out);
    case 'Activation':
      return activation(b, layer, config['activation'], input, out);
    case 'ReLU': {
      const maxValue = config['maxValue'];
      if (maxValue === null || maxValue === undefined) return b.node('Relu', layer.name, [input], [out]);
      if (typeof maxValue !== 'number') throw unsupported(`max_value ${JSON.stringify(maxValue)}`);
      return clip(b, layer.name, input, out, maxValue);
    }
    case 'MaxPooling2D':
      return pooling(b, layer, config, 'MaxPool', input, out, {});
    case 'AveragePooling2D':
      // Keras averages over the pixels inside the image only, as count_include_pad=0 does.
      return pooling(b, layer, config, 'AveragePool', input, out, { count_include_pad: { int: 0 } });
    case 'GlobalAveragePooling2D':
      return globalPooling(b, layer, 'GlobalAveragePool', input, out);
    case 'GlobalMaxPooling2D':
      return globalPooling(b, layer, 'GlobalMaxPool', input, out);
    case 'Flatten':
      return flatten(b, layer, input, out);
    case 'Dense':
      return dense(b, layer, config, input, out);
    case 'Dropout':
      // Dropout only acts while training; inference passes values through unchanged.
      return b.node('Identity', layer.name, [input], [out]);
    case 'Concatenate':
      return b.node('Concat', layer.name, inputs, [out], { axis: { int: onnxAxis(layer, config['axis'] ?? -1) } });
    case 'Add':
      return b.node(inputs.length === 2 ? 'Add' : 'Sum', layer.name, inputs, [out]);
    case 'ZeroPadding2D': {
      const padding = config['padding'];
      if (!isPairOfPairs(padding)) throw unsupported(`padding ${JSON.stringify(padding)}`);
      const [[top, bottom], [left, right]] = padding;
      const pads = b.constant(`${layer.name}/pads`, [8], BigInt64Array.from([0, 0, top, left, 0, 0, bottom, right], BigInt));
      return b.node('Pad', layer.name, [input, pads], [out]);
    }
    case 'Rescaling': {
      const { scale, offset } = config;
      if (typeof scale !== 'number' || typeof offset !== 'number') throw unsupported('only a single scale and offset convert');
      b.node('Mul', `${layer.name}/scale`, [input, b.scalar(scale)], [`${layer.name}/scaled`]);
      return b.node('Add', layer.name, [`${layer.name}/scaled`, b.scalar(offset)], [out]);
    }
    default:
      throw unsupported();
  }
}

function convolution(b: GraphBuilder, layer: Layer, config: Config, input: string, out: string, fold: Layer | undefined): void {
  const depthwise = layer.getClassName() === 'DepthwiseConv2D';
  const kernel = layerWeight(layer, depthwise ? 'depthwise_kernel' : 'kernel');
  const [kh, kw, kin, kout] = kernel.shape as [number, number, number, number];
  const channels = depthwise ? kin * kout : kout;
  const ohwiShape = [kh, kw, depthwise ? 1 : kin, channels] as const;
  const affine = fold === undefined ? undefined : batchNormAffine(fold);
  const weights = b.constant(`${layer.name}/W`, [channels, ohwiShape[2], kh, kw], kernelToOihw(kernel.data, ohwiShape, affine?.scale));
  let bias = config['useBias'] === true ? layerWeight(layer, 'bias').data : undefined;
  if (affine !== undefined) {
    bias = affine.shift.map((shift, c) => (bias?.[c] ?? 0) * affine.scale[c]! + shift);
  }
  const inputs = bias === undefined ? [input, weights] : [input, weights, b.constant(`${layer.name}/B`, [channels], bias)];
  const strides = pair(layer, config, 'strides');
  const dilations = pair(layer, config, 'dilationRate');
  const pads = kerasPads({ padding: paddingMode(layer, config), inputSize: inputSize(layer), kernel: [kh, kw], strides, dilations });
  const kind = config['activation'];
  const convOut = kind === 'linear' ? out : `${layer.name}/preact`;
  b.node('Conv', layer.name, inputs, [convOut], {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: strides },
    dilations: { ints: dilations },
    pads: { ints: pads },
    group: { int: depthwise ? kin : 1 },
  });
  if (kind !== 'linear') activation(b, layer, kind, convOut, out);
}

function globalPooling(b: GraphBuilder, layer: Layer, op: 'GlobalAveragePool' | 'GlobalMaxPool', input: string, out: string): void {
  if (outputShape(layer).length === 4) return b.node(op, layer.name, [input], [out]);
  // ONNX keeps the pooled 1×1 spatial dims; Keras drops them.
  b.node(op, layer.name, [input], [`${layer.name}/pooled`]);
  b.node('Flatten', `${layer.name}/flatten`, [`${layer.name}/pooled`], [out], { axis: { int: 1 } });
}

/**
 * Keras flattens NHWC values, so an image is moved back to NHWC before flattening: the features
 * then come in the order the following Dense kernel's rows expect. (Permuting those rows instead
 * would save the Transpose, but only when a Dense follows and the Flatten is not itself an output.)
 */
function flatten(b: GraphBuilder, layer: Layer, input: string, out: string): void {
  const rank = inputRank(layer);
  if (rank === 2) return b.node('Identity', layer.name, [input], [out]);
  if (rank !== 4) throw new UnsupportedLayerError(layer.name, 'Flatten', `its input has rank ${rank}; only images and vectors convert`);
  b.node('Transpose', `${layer.name}/nhwc`, [input], [`${layer.name}/nhwc`], { perm: { ints: [0, 2, 3, 1] } });
  b.node('Flatten', layer.name, [`${layer.name}/nhwc`], [out], { axis: { int: 1 } });
}

/** y = x·kernel + bias on [batch, features] values; the Keras kernel [inputs, units] is Gemm's B as it is. */
function dense(b: GraphBuilder, layer: Layer, config: Config, input: string, out: string): void {
  const rank = inputRank(layer);
  if (rank !== 2) throw new UnsupportedLayerError(layer.name, 'Dense', `its input has rank ${rank}; only vectors ([batch, features]) convert`);
  const kernel = layerWeight(layer, 'kernel');
  const [inputs, units] = kernel.shape as [number, number];
  const operands = [input, b.constant(`${layer.name}/W`, [inputs, units], kernel.data)];
  if (config['useBias'] === true) operands.push(b.constant(`${layer.name}/B`, [units], layerWeight(layer, 'bias').data));
  const kind = config['activation'];
  const gemmOut = kind === 'linear' ? out : `${layer.name}/preact`;
  b.node('Gemm', layer.name, operands, [gemmOut]);
  if (kind !== 'linear') activation(b, layer, kind, gemmOut, out);
}

function batchNormalization(b: GraphBuilder, layer: Layer, input: string, out: string): void {
  if (!isChannelAxis(layer)) {
    throw new UnsupportedLayerError(layer.name, 'BatchNormalization', `axis ${JSON.stringify(layer.getConfig()['axis'])} is not the channel axis`);
  }
  const { gamma, beta, mean, variance, epsilon } = batchNormParameters(layer);
  const channels = [mean.length];
  const inputs = Object.entries({ gamma, beta, mean, variance }).map(([name, data]) => b.constant(`${layer.name}/${name}`, channels, data));
  b.node('BatchNormalization', layer.name, [input, ...inputs], [out], { epsilon: { float: epsilon } });
}

function activation(b: GraphBuilder, layer: Layer, kind: unknown, input: string, out: string): void {
  const name = `${layer.name}/${String(kind)}`;
  switch (kind) {
    case 'linear':
      return b.node('Identity', name, [input], [out]);
    case 'relu':
      return b.node('Relu', name, [input], [out]);
    case 'relu6':
      return clip(b, name, input, out, 6);
    case 'sigmoid':
      return b.node('Sigmoid', name, [input], [out]);
    case 'tanh':
      return b.node('Tanh', name, [input], [out]);
    case 'elu':
      // Keras's elu layer activation has alpha 1 (tfjs refuses any other).
      return b.node('Elu', name, [input], [out], { alpha: { float: 1 } });
    case 'selu':
      return b.node('Selu', name, [input], [out], { alpha: { float: seluAlpha }, gamma: { float: seluGamma } });
    case 'softmax':
      // Keras normalises over the last axis: the features of a vector, the channels of an image.
      return b.node('Softmax', name, [input], [out], { axis: { int: onnxAxis(layer, -1) } });
    default:
      throw new UnsupportedLayerError(layer.name, layer.getClassName(), `activation ${JSON.stringify(kind)}`);
  }
}

/** Keras's (and the SELU paper's) constants; tfjs uses the same, as scale·alpha and scale. */
const seluAlpha = 1.6732632423543772;
const seluGamma = 1.0507009873554805;

function clip(b: GraphBuilder, name: string, input: string, out: string, max: number): void {
  b.node('Clip', name, [input, b.scalar(0), b.scalar(max)], [out]);
}

function pooling(b: GraphBuilder, layer: Layer, config: Config, op: string, input: string, out: string, extra: Record<string, OnnxAttribute>): void {
  const kernel = pair(layer, config, 'poolSize');
  const strides = config['strides'] === null ? kernel : pair(layer, config, 'strides');
  const pads = kerasPads({ padding: paddingMode(layer, config), inputSize: inputSize(layer), kernel, strides });
  b.node(op, layer.name, [input], [out], { kernel_shape: { ints: kernel }, strides: { ints: strides }, pads: { ints: pads }, ...extra });
}

/** A Keras axis of an NHWC (or [batch, features]) value → the same axis in the ONNX layout. */
function onnxAxis(layer: Layer, axis: unknown): number {
  const rank = outputShape(layer).length;
  if (typeof axis !== 'number' || axis < -rank || axis >= rank) {
    throw new UnsupportedLayerError(layer.name, layer.getClassName(), `axis ${JSON.stringify(axis)}`);
  }
  const positive = axis < 0 ? axis + rank : axis;
  return rank === 4 ? ([0, 2, 3, 1] as const)[positive]! : positive;
}

function pair(layer: Layer, config: Config, key: string): [number, number] {
  const value = config[key];
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v))) return value as [number, number];
  throw new UnsupportedLayerError(layer.name, layer.getClassName(), `${key} ${JSON.stringify(value)}`);
}

function paddingMode(layer: Layer, config: Config): 'same' | 'valid' {
  const padding = config['padding'];
  if (padding === 'same' || padding === 'valid') return padding;
  throw new UnsupportedLayerError(layer.name, layer.getClassName(), `padding ${JSON.stringify(padding)}`);
}

function isPairOfPairs(value: unknown): value is [[number, number], [number, number]] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((side) => Array.isArray(side) && side.length === 2 && side.every((v) => Number.isInteger(v) && v >= 0))
  );
}
