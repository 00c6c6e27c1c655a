import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackboneConfig } from '../backbones/backbone.ts';
import { registerWasmDepthwiseConv2DGradients } from '../engine/depthwise-conv2d-gradients.ts';
import { selectBackend } from '../engine/select-backend.ts';
import { loadFrozenPart } from '../features/frozen-part.ts';
import { buildHead } from '../model/build-head.ts';
import { caughtTlabError } from '@tlab/core/testing';
import { TrainableFromSplitError } from './finetune-errors.ts';
import { FrozenBatchNorm } from './frozen-batch-norm.ts';
import { loadTrainableBlock, planTrainableBlock, trainableFromSuggestions, type TrainableBlock } from './load-trainable-block.ts';

/** The first layer of InceptionV3's mixed7 block: every branch of it reads mixed6. */
const mixed7Start = 'conv2d_65';
const inception = (trainable_from?: string): BackboneConfig => ({ name: 'inception_v3', weights: 'embedded', cutoff: 'mixed7', trainable_from });
/** MobileNetV2's last four blocks: the first depthwise convolution has stride 2 after a ZeroPadding2D. */
const mobilenet: BackboneConfig = { name: 'mobilenet_v2', weights: 'embedded', cutoff: 'out_relu', trainable_from: 'block_13_expand' };

/** Boundary and cutoff features of the same images, from one pass of the frozen backbone. */
async function frozenFeatures(config: BackboneConfig, boundary: string, imageSize: [number, number], images: tf.Tensor): Promise<[tf.Tensor, tf.Tensor]> {
  const frozen = await loadFrozenPart({ ...config, trainable_from: undefined }, [boundary, config.cutoff], imageSize);
  const [atBoundary, atCutoff] = frozen.model.predict(images) as tf.Tensor[];
  frozen.dispose();
  return [atBoundary!, atCutoff!];
}

/**
 * Five Adam steps of block + a small head on random images with fixed labels: what changed in the
 * block's trainable kernels and its frozen BatchNorm constants, and the losses.
 */
async function fineTuneFiveSteps(block: TrainableBlock, config: BackboneConfig, imageSize: [number, number], kernelClasses: readonly string[]) {
  const images = tf.randomUniform([8, ...imageSize, 3], 0, 1, 'float32', 11);
  const [boundaryFeatures, cutoffFeatures] = await frozenFeatures(config, block.boundary, imageSize, images);
  const labels = tf.tensor2d([0, 1, 0, 1, 1, 0, 1, 0], [8, 1]);
  const head = buildHead({
    featureShape: block.featureShape,
    classCount: 2,
    head: { pooling: 'avg', units: 16, activation: 'relu', dropout: 0 },
    train: { optimizer: 'adam', learning_rate: 1e-3 },
    seed: 42,
    trunk: block.model,
  });
  const optimizer = tf.train.adam(1e-3);
  head.compile({ optimizer, loss: 'binaryCrossentropy' });

  const snapshot = (layers: tf.layers.Layer[]) => layers.flatMap((layer) => layer.getWeights().map((w) => w.clone()));
  const kernelLayers = block.model.layers.filter((layer) => kernelClasses.includes(layer.getClassName()));
  const norms = block.model.layers.filter((layer) => layer instanceof FrozenBatchNorm);
  const kernelsBefore = snapshot(kernelLayers);
  const normsBefore = snapshot(norms);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) losses.push((await head.trainOnBatch(boundaryFeatures, labels)) as number);

  const changed = (before: tf.Tensor[], layers: tf.layers.Layer[]) =>
    layers.flatMap((layer) => layer.getWeights()).map((w, i) => tf.tidy(() => tf.any(tf.notEqual(w, before[i]!)).dataSync()[0] === 1));
  const result = {
    trainableWeights: head.trainableWeights.length,
    losses,
    kernelWeights: kernelsBefore.length,
    kernelsChanged: changed(kernelsBefore, kernelLayers),
    normsChanged: changed(normsBefore, norms),
  };
  tf.dispose([images, boundaryFeatures, cutoffFeatures, labels, ...kernelsBefore, ...normsBefore]);
  // Not head.dispose(): it would dispose the nested block too, which the caller still owns.
  for (const layer of head.layers) if (layer !== block.model) layer.dispose();
  optimizer.dispose();
  return result;
}

beforeAll(async () => {
  await selectBackend({ requested: 'wasm' });
});

describe('loadTrainableBlock on InceptionV3 (wasm)', () => {
  let block: TrainableBlock;

  beforeAll(async () => {
    block = await loadTrainableBlock(inception(mixed7Start), [75, 75]);
  });

  afterAll(() => block.dispose());

  it('starts from mixed6 and holds the mixed7 block with every BatchNormalization frozen', () => {
    expect(block.boundary).toBe('mixed6');
    expect(block.boundaryShape).toEqual([3, 3, 768]);
    expect(block.featureShape).toEqual([3, 3, 768]);
    const layers = block.model.layers;
    expect(layers.filter((layer) => layer.getClassName() === 'BatchNormalization')).toHaveLength(0);
    const frozenNorms = layers.filter((layer) => layer instanceof FrozenBatchNorm);
    const convs = layers.filter((layer) => layer.getClassName() === 'Conv2D');
    expect(frozenNorms).toHaveLength(10);
    expect(convs).toHaveLength(10);
    expect(frozenNorms.every((layer) => !layer.trainable && layer.trainableWeights.length === 0)).toBe(true);
    // Keras InceptionV3 convs have no bias: the ten kernels are all that trains.
    expect(block.trainableWeightCount).toBe(10);
    expect(block.model.trainableWeights.map((w) => w.originalName).every((name) => name.endsWith('/kernel'))).toBe(true);
    expect(block.trainableParamCount).toBe(2_138_112);
  });

  it('computes what the full backbone computes: frozen part to mixed6 → block equals the backbone at mixed7', async () => {
    const images = tf.randomUniform([3, 75, 75, 3], 0, 1, 'float32', 7);
    const [boundaryFeatures, cutoffFeatures] = await frozenFeatures(inception(), block.boundary, [75, 75], images);
    const fromBlock = block.model.predict(boundaryFeatures) as tf.Tensor;
    const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(fromBlock, cutoffFeatures))).dataSync()[0]!);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    expect(tf.tidy(() => tf.max(cutoffFeatures).dataSync()[0]!)).toBeGreaterThan(0.1);
    tf.dispose([images, boundaryFeatures, cutoffFeatures, fromBlock]);
  });

  it('fine-tunes block + head on wasm: conv kernels move, BN constants do not, the loss falls', async () => {
    const result = await fineTuneFiveSteps(block, inception(mixed7Start), [75, 75], ['Conv2D']);
    expect(result.trainableWeights).toBe(block.trainableWeightCount + 4);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]!);
    expect(result.kernelsChanged).toEqual(Array(10).fill(true));
    expect(result.normsChanged).toEqual(Array(20).fill(false));
  });
});

describe('loadTrainableBlock on MobileNetV2 (wasm)', () => {
  let block: TrainableBlock;

  beforeAll(async () => {
    block = await loadTrainableBlock(mobilenet, [96, 96]);
  });

  afterAll(() => block.dispose());

  it('fine-tunes depthwise and pointwise kernels together: all move, BN constants do not, the loss falls', async () => {
    expect(block.boundary).toBe('block_12_add');
    const result = await fineTuneFiveSteps(block, mobilenet, [96, 96], ['Conv2D', 'DepthwiseConv2D']);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]!);
    // Blocks 13–16 (expand, depthwise, project) and Conv_1: 13 kernels, no biases (Keras MobileNetV2 convs have none).
    expect(result.kernelWeights).toBe(13);
    expect(result.kernelsChanged).toEqual(Array(13).fill(true));
    expect(result.normsChanged.length).toBeGreaterThan(0);
    expect(result.normsChanged.every((changed) => !changed)).toBe(true);
  });
});

describe('trainable_from validation', () => {
  it('suggests the first layer after each mixedN before the cutoff', async () => {
    expect(await trainableFromSuggestions(inception())).toEqual([
      { layer: 'conv2d_16', boundary: 'mixed0' },
      { layer: 'conv2d_23', boundary: 'mixed1' },
      { layer: 'conv2d_28', boundary: 'mixed2' },
      { layer: 'conv2d_35', boundary: 'mixed3' },
      { layer: 'conv2d_45', boundary: 'mixed4' },
      { layer: 'conv2d_55', boundary: 'mixed5' },
      { layer: mixed7Start, boundary: 'mixed6' },
    ]);
    await expect(planTrainableBlock(inception(mixed7Start))).resolves.toMatchObject({ boundary: 'mixed6' });
  });

  it('rejects a start inside a block, naming the frozen inputs and the starts that work', async () => {
    const error = await caughtTlabError(planTrainableBlock(inception('conv2d_66')));
    expect(error).toBeInstanceOf(TrainableFromSplitError);
    expect(error.code).toBe('TLAB_TRAINABLE_FROM_SPLIT');
    const { details } = error as TrainableFromSplitError;
    expect(details.frozenInputs[0]).toBe('mixed6');
    expect(details.frozenInputs.length).toBeGreaterThan(1);
    expect(details.nearest).toEqual({ layer: mixed7Start, boundary: 'mixed6' });
    expect(error.message).toContain(`from 'conv2d_66' to 'mixed7' would read ${details.frozenInputs.length} frozen layers (mixed6, `);
    expect(error.message).toContain(`The nearest start that works is '${mixed7Start}' (after mixed6).`);
    expect(error.message).toContain("'conv2d_55' (after mixed5)");
  });

  it('rejects a start at a concatenation, which reads every branch of its block', async () => {
    const error = await caughtTlabError(loadTrainableBlock(inception('mixed6'), [75, 75]));
    expect(error.code).toBe('TLAB_TRAINABLE_FROM_SPLIT');
    expect((error as TrainableFromSplitError).details.frozenInputs).toHaveLength(4);
  });

  it('refuses a block whose layers the backend cannot train, naming the layer and the missing kernel', async () => {
    // As on a tfjs-backend-wasm without the gradient Transfer Lab registers.
    const missing = tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')!;
    tf.unregisterKernel(missing.kernelName, 'wasm');
    try {
      const error = await caughtTlabError(loadTrainableBlock({ ...mobilenet, trainable_from: 'block_13_pad' }, [96, 96]));
      expect(error.code).toBe('TLAB_FINETUNE_UNSUPPORTED');
      expect(error.message).toMatch(/layer 'block_13_depthwise' .* the wasm backend has no DepthwiseConv2dNativeBackpropFilter kernel/);
    } finally {
      registerWasmDepthwiseConv2DGradients();
    }
  });

  it('needs trainable_from, and keeps the backbone errors for unknown or late layers', async () => {
    await expect(loadTrainableBlock(inception(), [75, 75])).rejects.toThrow(RangeError);
    expect((await caughtTlabError(planTrainableBlock(inception('conv2d_999')))).code).toBe('TLAB_UNKNOWN_LAYER');
    expect((await caughtTlabError(planTrainableBlock(inception('mixed8')))).code).toBe('TLAB_BAD_TRAINABLE_FROM');
  });
});

describe('TrainableBlock memory', () => {
  it('leaves no tensor behind across two builds and disposes', async () => {
    const before = tf.memory();
    for (let round = 0; round < 2; round++) {
      const block = await loadTrainableBlock(inception(mixed7Start), [75, 75]);
      // Only the block's own weights survive the build: 10 kernels and 10 × (scale, offset).
      expect(tf.memory().numTensors - before.numTensors).toBe(30);
      tf.tidy(() => {
        block.model.predict(tf.zeros([1, ...block.boundaryShape]));
      });
      block.dispose();
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numBytes).toBe(before.numBytes);
    }
  });
});
