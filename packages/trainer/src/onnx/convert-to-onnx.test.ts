import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone } from '../backbones/load-backbone.ts';
import { selectBackend } from '../engine/select-backend.ts';
import { caughtTlabError } from '@tlab/core/testing';
import { buildOnnxGraph, convertToOnnx } from './convert-to-onnx.ts';
import { OnnxOutputNotFoundError, UnsupportedLayerError } from './onnx-errors.ts';
import { createOnnxFeatureExtractor } from './onnx-feature-extractor.ts';

/**
 * Runs the same random batch through tfjs `predict` (cut at `outputs`) and through the converted
 * model on onnxruntime, and returns the largest absolute difference per output layer.
 */
async function maxAbsDiffs(model: tf.LayersModel, outputs: string[], batch: number, seed: number): Promise<Record<string, number>> {
  const [, h, w, c] = model.inputs[0]!.shape as [null, number, number, number];
  const cut = tf.model({ inputs: model.inputs, outputs: outputs.map((name) => model.getLayer(name).output as tf.SymbolicTensor) });
  const x = tf.randomUniform([batch, h, w, c], 0, 1, 'float32', seed);
  const expected = tf.tidy(() => [cut.predict(x)].flat().map((tensor) => ({ data: tensor.dataSync() as Float32Array, shape: tensor.shape })));
  const extractor = await createOnnxFeatureExtractor(convertToOnnx(model, outputs), { threads: 2 });
  const actual = await extractor.run(x.dataSync() as Float32Array, batch, h, w);
  await extractor.dispose();
  x.dispose();
  return Object.fromEntries(
    outputs.map((name, i) => {
      const reference = expected[i]!;
      const features = actual[name]!;
      expect(features.shape, name).toEqual(reference.shape);
      expect(reference.data.some((v) => v !== 0), `${name} is not all zeros`).toBe(true);
      return [name, features.data.reduce((max, v, j) => Math.max(max, Math.abs(v - reference.data[j]!)), 0)];
    }),
  );
}

describe('convertToOnnx agrees with tfjs predict', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it('InceptionV3 at 75×75, mixed5 and mixed7 in one pass, with every BatchNormalization folded', async () => {
    const backbone = await loadBackbone({ name: 'inception_v3', weights: 'embedded', cutoff: 'mixed7' }, [75, 75]);
    const graph = buildOnnxGraph(backbone.model, ['mixed5', 'mixed7']);
    const ops = graph.nodes.map((node) => node.opType);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(70);
    expect(ops).not.toContain('BatchNormalization');
    expect(graph.outputs.map((output) => output.dims)).toEqual([
      ['N', 768, 3, 3],
      ['N', 768, 3, 3],
    ]);
    const diffs = await maxAbsDiffs(backbone.model, ['mixed5', 'mixed7'], 3, 1);
    expect(diffs['mixed5']).toBeLessThanOrEqual(1e-4);
    expect(diffs['mixed7']).toBeLessThanOrEqual(1e-4);
    backbone.dispose();
  });

  it('MobileNetV2 at 96×96 cut at out_relu (depthwise, relu6, add, zero padding)', async () => {
    const backbone = await loadBackbone({ name: 'mobilenet_v2', weights: 'embedded', cutoff: 'out_relu' }, [96, 96]);
    const ops = new Set(buildOnnxGraph(backbone.model, ['out_relu']).nodes.map((node) => node.opType));
    expect([...ops].sort()).toEqual(['Add', 'Clip', 'Conv', 'Pad']);
    const diffs = await maxAbsDiffs(backbone.model, ['out_relu'], 3, 2);
    expect(diffs['out_relu']).toBeLessThanOrEqual(1e-4);
    backbone.dispose();
  });

  it('tiny_cnn at 32×32 cut at block3', async () => {
    const backbone = await loadBackbone({ name: 'tiny_cnn', cutoff: 'block3' }, [32, 32]);
    const diffs = await maxAbsDiffs(backbone.model, ['block3'], 4, 3);
    expect(diffs['block3']).toBeLessThanOrEqual(1e-4);
    backbone.dispose();
  });

  it('every other supported layer: standalone BatchNormalization, Rescaling, ReLU, pooling, GAP, dilation, depth multiplier', async () => {
    const model = everyLayerModel();
    const ops = new Set(buildOnnxGraph(model, ['gap', 'avg', 'relu_layer']).nodes.map((node) => node.opType));
    for (const op of ['BatchNormalization', 'Mul', 'Relu', 'Clip', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Flatten', 'Concat', 'Sum', 'Pad']) {
      expect(ops, op).toContain(op);
    }
    const diffs = await maxAbsDiffs(model, ['gap', 'avg', 'relu_layer'], 2, 4);
    for (const [name, diff] of Object.entries(diffs)) expect(diff, name).toBeLessThanOrEqual(1e-4);
    model.dispose();
  });
});

describe('convertToOnnx refuses what it cannot convert', () => {
  it('names the layer and its class for an unsupported layer, and for an unsupported activation', async () => {
    const input = tf.input({ shape: [8, 8, 3], name: 'pixels' });
    const leaky = tf.layers.leakyReLU({ name: 'leaky' }).apply(input) as tf.SymbolicTensor;
    const swish = tf.layers.conv2d({ name: 'gate', filters: 2, kernelSize: 1, activation: 'swish' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [leaky, swish] });
    const error = await caughtTlabError(converted(model, ['leaky']));
    expect(error).toBeInstanceOf(UnsupportedLayerError);
    expect(error).toMatchObject({ code: 'TLAB_ONNX_UNSUPPORTED_LAYER', layer: 'leaky', className: 'LeakyReLU' });
    expect(error.message).toBe("cannot convert layer 'leaky' (LeakyReLU) to ONNX. The backbone has to run on TensorFlow.js instead.");
    expect((await caughtTlabError(converted(model, ['gate']))).message).toContain(`layer 'gate' (Conv2D) to ONNX: activation "swish"`);
    // Only the requested outputs' ancestors are converted, so an unsupported side branch does not matter.
    expect(() => convertToOnnx(model, ['pixels'])).not.toThrow();
    model.dispose();
  });

  it('rejects an output layer the model does not have', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const model = tf.model({ inputs: input, outputs: tf.layers.reLU({ name: 'r' }).apply(input) as tf.SymbolicTensor });
    const error = await caughtTlabError(converted(model, ['mixed7']));
    expect(error).toBeInstanceOf(OnnxOutputNotFoundError);
    expect(error).toMatchObject({ code: 'TLAB_ONNX_UNKNOWN_OUTPUT' });
    model.dispose();
  });
});

async function converted(model: tf.LayersModel, outputs: string[]): Promise<Uint8Array> {
  return convertToOnnx(model, outputs);
}

/** A small functional model using each supported layer class the embedded backbones do not, with random weights and statistics. */
function everyLayerModel(): tf.LayersModel {
  const input = tf.input({ shape: [21, 19, 3], name: 'pixels' });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const scaled = apply(tf.layers.rescaling({ scale: 2, offset: -1, name: 'rescale' }), input);
  const conv = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv' }), scaled);
  const bn = apply(tf.layers.batchNormalization({ name: 'bn' }), conv);
  const relu6 = apply(tf.layers.activation({ activation: 'relu6', name: 'relu6' }), bn);
  const dilated = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same', name: 'dilated' }), relu6);
  const dilatedBn = apply(tf.layers.batchNormalization({ name: 'dilated_bn', center: false }), dilated);
  const padded = apply(tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]], name: 'pad' }), dilatedBn);
  const depthwise = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'valid', name: 'depthwise' }), padded);
  const reluLayer = apply(tf.layers.reLU({ name: 'relu_layer' }), depthwise);
  const maxPool = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: 'max' }), reluLayer);
  const avgPool = apply(tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'avg' }), maxPool);
  const branch = apply(tf.layers.conv2d({ filters: 16, kernelSize: 1, strides: 2, name: 'branch' }), maxPool);
  const sum = apply(tf.layers.add({ name: 'sum3' }), [avgPool, branch, avgPool]);
  const concat = apply(tf.layers.concatenate({ name: 'concat' }), [sum, avgPool]);
  const gap = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), concat);
  const model = tf.model({ inputs: input, outputs: [gap, avgPool, reluLayer] });
  // Keras initialises biases to 0 and statistics to 0 and 1, which would hide folding mistakes.
  model.layers.forEach((layer, l) => {
    const values = layer.weights.map((weight, i) => {
      const kind = weight.originalName.split('/').at(-1);
      if (kind === 'kernel' || kind === 'depthwise_kernel') return weight.read().clone();
      const [low, high] = kind === 'moving_variance' ? [0.2, 3] : kind === 'moving_mean' || kind === 'bias' ? [-1, 1] : [0.5, 1.5];
      return tf.randomUniform(weight.shape as number[], low, high, 'float32', 100 * l + i);
    });
    layer.setWeights(values);
    tf.dispose(values);
  });
  return model;
}
