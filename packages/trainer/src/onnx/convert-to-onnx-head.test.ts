import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@tlab/core';
import { caughtTlabError } from '@tlab/core/testing';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { applyHead, kerasHeadLayers } from '../model/head-layers.ts';
import { buildOnnxGraph, convertToOnnx, onnxInputName } from './convert-to-onnx.ts';
import { nchwToNhwc, nhwcToNchw } from './nchw-layout.ts';
import { UnsupportedLayerError } from './onnx-errors.ts';

type HiddenActivation = ResolvedConfig['head']['activation'];
type Pooling = ResolvedConfig['head']['pooling'];

const tolerance = 1e-5;
/** Non-square, so a Flatten that walks the image in the wrong order gives different features. */
const imageShape = [13, 11, 3] as const;
const hiddenActivations: HiddenActivation[] = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'linear'];

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

/** input 13×11×3 → Conv2D (stride 2) → BatchNormalization → relu: a 7×6×4 feature map. */
function convTrunk(): { input: tf.SymbolicTensor; features: tf.SymbolicTensor } {
  const input = tf.input({ shape: [...imageShape], name: 'pixels' });
  const conv = apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', name: 'conv' }), input);
  const bn = apply(tf.layers.batchNormalization({ name: 'bn' }), conv);
  return { input, features: apply(tf.layers.activation({ activation: 'relu', name: 'relu' }), bn) };
}

/** The conv trunk with Transfer Lab's own head (applyHead with Keras layers, as an export builds it). */
function trunkWithHead(pooling: Pooling, activation: HiddenActivation, classCount: number, binaryOutput: 'sigmoid' | 'softmax' = 'sigmoid'): tf.LayersModel {
  const { input, features } = convTrunk();
  const head = { pooling, units: 7, activation, dropout: 0.4 };
  return seeded(tf.model({ inputs: input, outputs: applyHead(features, { head, classCount, binaryOutput }, kerasHeadLayers) }));
}

/** Same, but the hidden Dense carries its activation itself (no Activation layer). */
function trunkWithDenseActivation(activation: HiddenActivation): tf.LayersModel {
  const { input, features } = convTrunk();
  const flat = apply(tf.layers.flatten({ name: 'flatten' }), features);
  const dense = apply(tf.layers.dense({ units: 7, activation, name: 'dense' }), flat);
  const dropout = apply(tf.layers.dropout({ rate: 0.4, name: 'dropout' }), dense);
  return seeded(tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 3, activation: 'softmax', name: 'output' }), dropout) }));
}

/**
 * Seeded random weights everywhere: Keras initialises biases to 0 and BatchNormalization's
 * statistics to 0 and 1, which would hide a missing bias or a wrong fold. Kernels are scaled by
 * their fan-in so values stay O(1) and neither sigmoid nor softmax saturates.
 */
function seeded(model: tf.LayersModel): tf.LayersModel {
  model.layers.forEach((layer, l) => {
    const values = layer.weights.map((weight, i) => {
      const kind = weight.originalName.split('/').at(-1);
      const shape = weight.shape as number[];
      const seed = 100 * l + i + 7;
      if (kind === 'kernel') {
        const limit = Math.sqrt(3 / shape.slice(0, -1).reduce((a, b) => a * b, 1));
        return tf.randomUniform(shape, -limit, limit, 'float32', seed);
      }
      const [low, high] = kind === 'moving_variance' ? [0.2, 2] : kind === 'gamma' ? [0.5, 1.5] : [-0.5, 0.5];
      return tf.randomUniform(shape, low, high, 'float32', seed);
    });
    layer.setWeights(values);
    tf.dispose(values);
  });
  return model;
}

interface Comparison {
  /** Largest |onnxruntime − predict| per output. */
  readonly diffs: Record<string, number>;
  /** Largest difference between two images' values per output: how far from constant the outputs are. */
  readonly spreads: Record<string, number>;
  /** Output shapes from onnxruntime. */
  readonly shapes: Record<string, readonly number[]>;
}

/** Converts `model` up to `outputs`, runs one random NHWC batch through tfjs `predict` and, transposed to NCHW, through onnxruntime. */
async function compare(model: tf.LayersModel, outputs: string[], seed: number, batch = 5): Promise<Comparison> {
  const [, h, w, c] = model.inputs[0]!.shape as [null, number, number, number];
  const cut = tf.model({ inputs: model.inputs, outputs: outputs.map((name) => model.getLayer(name).output as tf.SymbolicTensor) });
  const x = tf.randomUniform([batch, h, w, c], -1, 1, 'float32', seed);
  const expected = tf.tidy(() => [cut.predict(x)].flat().map((tensor) => tensor.dataSync() as Float32Array));
  const pixels = nhwcToNchw(x.dataSync() as Float32Array, batch, h, w, c);
  x.dispose();
  const session = await InferenceSession.create(convertToOnnx(model, outputs), { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const results = await session.run({ [onnxInputName]: new Tensor('float32', pixels, [batch, c, h, w]) });
  await session.release();
  const diffs: Record<string, number> = {};
  const spreads: Record<string, number> = {};
  const shapes: Record<string, readonly number[]> = {};
  outputs.forEach((name, o) => {
    const tensor = results[name]!;
    const reference = expected[o]!;
    shapes[name] = tensor.dims;
    // Images come out NCHW; Keras's are NHWC.
    const [n, ch, oh, ow] = tensor.dims as number[];
    const actual = tensor.dims.length === 4 ? nchwToNhwc(tensor.data as Float32Array, n!, ch!, oh!, ow!) : (tensor.data as Float32Array);
    expect(actual.length, name).toBe(reference.length);
    diffs[name] = actual.reduce((max, v, j) => Math.max(max, Math.abs(v - reference[j]!)), 0);
    const perImage = reference.length / batch;
    spreads[name] = reference.reduce((max, v, j) => Math.max(max, Math.abs(v - reference[(j + perImage) % reference.length]!)), 0);
  });
  return { diffs, spreads, shapes };
}

/** Every output agrees within `tolerance` and varies across images by far more than it, so a wrong conversion shows. */
function expectAgreement({ diffs, spreads }: Comparison): void {
  for (const [name, diff] of Object.entries(diffs)) {
    expect(spreads[name], `${name} varies across images`).toBeGreaterThan(100 * tolerance);
    expect(diff, name).toBeLessThanOrEqual(tolerance);
  }
}

describe('convertToOnnx converts a whole classifier (conv trunk + Transfer Lab head)', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  const headCases = (['flatten', 'avg', 'max'] as const).flatMap((pooling) => [
    { pooling, classes: 2, output: 'sigmoid' as const, units: 1 },
    { pooling, classes: 2, output: 'softmax' as const, units: 2 },
    { pooling, classes: 3, output: 'softmax' as const, units: 3 },
  ]);

  it.each(headCases)('$pooling pooling, $classes classes with a $output output, agrees with predict', async ({ pooling, classes, output, units }) => {
    const model = trunkWithHead(pooling, 'relu', classes, output);
    const graph = buildOnnxGraph(model, ['output']);
    expect(graph.outputs).toEqual([{ name: 'output', dims: ['N', units] }]);
    const ops = graph.nodes.map((node) => node.opType);
    const pool = { flatten: 'Flatten', avg: 'GlobalAveragePool', max: 'GlobalMaxPool' }[pooling];
    for (const op of [pool, 'Gemm', 'Relu', output === 'sigmoid' ? 'Sigmoid' : 'Softmax']) expect(ops, op).toContain(op);
    const comparison = await compare(model, ['output'], 11);
    expect(comparison.shapes['output']).toEqual([5, units]);
    expectAgreement(comparison);
    model.dispose();
  });

  it.each(hiddenActivations)('hidden activation %s as an Activation layer agrees with predict', async (activation) => {
    const model = trunkWithHead('flatten', activation, 3);
    expectAgreement(await compare(model, ['dense_activation', 'output'], 12));
    model.dispose();
  });

  it.each(hiddenActivations)('hidden activation %s set on the Dense layer agrees with predict', async (activation) => {
    const model = trunkWithDenseActivation(activation);
    expectAgreement(await compare(model, ['dense', 'output'], 13));
    model.dispose();
  });

  it("Flatten orders an image's features as Keras does (NHWC), and the pooled features come out as vectors", async () => {
    const flat = trunkWithHead('flatten', 'relu', 2);
    expect(buildOnnxGraph(flat, ['flatten']).outputs).toEqual([{ name: 'flatten', dims: ['N', 7 * 6 * 4] }]);
    expectAgreement(await compare(flat, ['flatten'], 14));
    flat.dispose();
    const pooled = trunkWithHead('max', 'relu', 2);
    expect(buildOnnxGraph(pooled, ['max_pool']).outputs).toEqual([{ name: 'max_pool', dims: ['N', 4] }]);
    expectAgreement(await compare(pooled, ['max_pool'], 15));
    pooled.dispose();
  });

  it('Dropout is an Identity at inference', async () => {
    const model = trunkWithHead('avg', 'relu', 3);
    const dropout = buildOnnxGraph(model, ['dropout']).nodes.find((node) => node.name === 'dropout');
    expect(dropout).toMatchObject({ opType: 'Identity', inputs: ['dense_activation'], outputs: ['dropout'] });
    expectAgreement(await compare(model, ['dropout'], 16));
    model.dispose();
  });

  it("softmax over an image's channels, a Dense without bias, and a Flatten of a vector", async () => {
    const input = tf.input({ shape: [...imageShape], name: 'pixels' });
    const softmax = apply(tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, activation: 'softmax', name: 'conv_softmax' }), input);
    const pooled = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), softmax);
    // tfjs's Flatten wants rank ≥ 3 on input; Keras's accepts a vector, which it leaves as it is.
    const vectorFlatten = tf.layers.flatten({ name: 'vector_flatten' });
    vectorFlatten.inputSpec = null as unknown as tf.layers.Layer['inputSpec'];
    const flat = apply(vectorFlatten, pooled);
    const dense = apply(tf.layers.dense({ units: 4, useBias: false, activation: 'tanh', name: 'no_bias' }), flat);
    const model = seeded(tf.model({ inputs: input, outputs: dense }));
    const graph = buildOnnxGraph(model, ['conv_softmax', 'no_bias']);
    expect(graph.outputs.map((output) => output.dims)).toEqual([
      ['N', 5, 6, 5],
      ['N', 4],
    ]);
    expect(graph.nodes.find((node) => node.opType === 'Gemm')?.inputs).toEqual(['vector_flatten', 'no_bias/W']);
    const comparison = await compare(model, ['conv_softmax', 'no_bias'], 17);
    expectAgreement(comparison);
    model.dispose();
  });

  it('refuses a Dense applied to an image', async () => {
    const input = tf.input({ shape: [...imageShape], name: 'pixels' });
    const model = tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 2, name: 'pixelwise' }), input) });
    const error = await caughtTlabError(Promise.resolve().then(() => convertToOnnx(model, ['pixelwise'])));
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    expect(error).toMatchObject({ layer: 'pixelwise', className: 'Dense' });
    expect(error.message).toContain('its input has rank 4; only vectors');
    model.dispose();
  });
});
