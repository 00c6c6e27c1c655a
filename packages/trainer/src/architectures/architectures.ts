import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../engine/select-backend.ts';
import { architectureNames, type ArchitectureName } from '@tlab/core';
import { inceptionV3 } from './inception-v3.ts';
import type { Tensor } from './layer-helpers.ts';
import { mobileNet } from './mobilenet.ts';
import { mobileNetV2 } from './mobilenet-v2.ts';
import { legacyResNet50Name, resNet50 } from './resnet50.ts';
import { remembered } from '../memo/remembered.ts';


/** Where `keras.applications` downloads an architecture's ImageNet weights without the top, and how it checks them. */
export interface KerasWeightsFile {
  /** The file name Keras caches it under in ~/.keras/models. */
  readonly fileName: string;
  readonly url: string;
  /** Keras's `file_hash` (md5); absent where Keras publishes none (the MobileNets). */
  readonly md5: string | undefined;
}

export interface ArchitectureOptions {
  readonly imageSize: readonly [number, number];
  /** Width multiplier of the MobileNets; 1 for the others. */
  readonly alpha: number;
}

interface Architecture {
  readonly build: (input: Tensor, alpha: number) => Tensor;
  /** Keras's default input side; layer names and cut plans do not depend on the size. */
  readonly defaultSize: number;
  /** The cutoffs listed first when a layer name is unknown: block outputs Keras users cut at. */
  readonly curatedCutoffs: readonly string[];
  /** Width multipliers Keras publishes ImageNet weights for; absent when the architecture has none. */
  readonly alphas?: readonly number[];
  readonly imagenet: (options: ArchitectureOptions) => KerasWeightsFile;
  /** Renames an older Keras naming of the architecture whose layer order differs (see fitWeights). */
  readonly legacyLayerName?: (name: string) => string | undefined;
}

const keras = 'https://storage.googleapis.com/tensorflow/keras-applications';

/** Keras picks the MobileNet file trained nearest the input size: its own rows if published, else 224 (with a warning). */
const trainedRows = (options: ArchitectureOptions, published: readonly number[]) =>
  options.imageSize[0] === options.imageSize[1] && published.includes(options.imageSize[0]) ? options.imageSize[0] : 224;

const architectures: Record<ArchitectureName, Architecture> = {
  inception_v3: {
    defaultSize: 299,
    build: (input) => inceptionV3(input),
    curatedCutoffs: Array.from({ length: 11 }, (_, i) => `mixed${i}`),
    imagenet: () => ({
      fileName: 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: `${keras}/inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      md5: 'bcbd6486424b2319ff4ef7d526e38f63',
    }),
  },
  mobilenet_v2: {
    defaultSize: 224,
    build: mobileNetV2,
    // The expand activations at strides 2, 4, 8 and 16 (the feature pyramid of Keras's detection
    // and segmentation examples) and the last two outputs at stride 32.
    curatedCutoffs: ['block_1_expand_relu', 'block_3_expand_relu', 'block_6_expand_relu', 'block_13_expand_relu', 'block_16_project', 'out_relu'],
    alphas: [0.35, 0.5, 0.75, 1, 1.3, 1.4],
    imagenet: (options) => {
      // Python's str(float(alpha)): 1.0, 0.35, 0.75.
      const alphaText = Number.isInteger(options.alpha) ? options.alpha.toFixed(1) : String(options.alpha);
      const fileName = `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${alphaText}_${trainedRows(options, [96, 128, 160, 192, 224])}_no_top.h5`;
      return { fileName, url: `${keras}/mobilenet_v2/${fileName}`, md5: undefined };
    },
  },
  mobilenet: {
    defaultSize: 224,
    build: mobileNet,
    curatedCutoffs: ['conv_pw_3_relu', 'conv_pw_5_relu', 'conv_pw_11_relu', 'conv_pw_13_relu'],
    alphas: [0.25, 0.5, 0.75, 1],
    imagenet: (options) => {
      const alphaText = { 0.25: '2_5', 0.5: '5_0', 0.75: '7_5', 1: '1_0' }[options.alpha] ?? String(options.alpha);
      const fileName = `mobilenet_${alphaText}_${trainedRows(options, [128, 160, 192, 224])}_tf_no_top.h5`;
      return { fileName, url: `${keras}/mobilenet/${fileName}`, md5: undefined };
    },
  },
  resnet50: {
    defaultSize: 224,
    build: (input) => resNet50(input),
    legacyLayerName: legacyResNet50Name,
    curatedCutoffs: ['conv2_block3_out', 'conv3_block4_out', 'conv4_block6_out', 'conv5_block3_out'],
    imagenet: () => ({
      fileName: 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: `${keras}/resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      md5: '4d473c1dd8becc155b73f8504c6f6626',
    }),
  },
};

export function isArchitectureName(name: string): name is ArchitectureName {
  return (architectureNames as readonly string[]).includes(name);
}

export const defaultInputSize = (name: ArchitectureName): [number, number] => [architectures[name].defaultSize, architectures[name].defaultSize];
export const curatedCutoffs = (name: ArchitectureName): readonly string[] => architectures[name].curatedCutoffs;
export const publishedAlphas = (name: ArchitectureName): readonly number[] | undefined => architectures[name].alphas;
export const legacyLayerName = (name: ArchitectureName): ((layer: string) => string | undefined) | undefined => architectures[name].legacyLayerName;
export const kerasImagenetFile = (name: ArchitectureName, options: ArchitectureOptions): KerasWeightsFile => architectures[name].imagenet(options);

/** One weight a layer of the architecture expects, named as tfjs matches weight specs (`conv2d_1/kernel`). */
export interface ExpectedWeight {
  readonly name: string;
  readonly shape: readonly number[];
}

/** A whole architecture as data: its Keras topology and, in model order, the layers that have weights. */
export interface ArchitectureGraph {
  readonly modelTopology: object;
  readonly weighted: ReadonlyArray<{ readonly layer: string; readonly weights: readonly ExpectedWeight[] }>;
}

const built = remembered<ArchitectureGraph>();

/**
 * The architecture built at `options.imageSize` (MobileNetV2's padding depends on it) and
 * serialised. tfjs orders `model.layers` exactly as Keras does (by depth, ties by traversal), which
 * is the order `load_weights` pairs a file's layers in; the tests check it against the embedded
 * Keras topologies. Built once per process and size: building allocates every weight, on the
 * backend Transfer Lab selects (the first to need one selects it).
 */
export function architectureGraph(name: ArchitectureName, options: ArchitectureOptions): Promise<ArchitectureGraph> {
  return built(JSON.stringify([name, options.imageSize, options.alpha]), () => build(name, options));
}

async function build(name: ArchitectureName, options: ArchitectureOptions): Promise<ArchitectureGraph> {
  await selectBackend();
  const input = tf.input({ name: 'input_1', shape: [options.imageSize[0], options.imageSize[1], 3] });
  const model = tf.model({ name, inputs: input, outputs: architectures[name].build(input, options.alpha) });
  const graph = {
    modelTopology: model.toJSON(undefined, false) as object,
    weighted: model.layers
      .filter((layer) => layer.weights.length > 0)
      .map((layer) => ({ layer: layer.name, weights: layer.weights.map((weight) => ({ name: weight.originalName, shape: weight.shape as number[] })) })),
  };
  model.dispose();
  return graph;
}
