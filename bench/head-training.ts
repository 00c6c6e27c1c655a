/**
 * Training-step speed on the wasm backend, the part of a sweep that stays on tfjs: the course's
 * Flatten head (7×7×768 features → Dense 1024 relu → Dropout 0.2 → Dense 1 sigmoid, RMSprop 1e-4,
 * batch 20) and fine-tuning InceptionV3's mixed7 block (from mixed6 features, 150×150, GAP head).
 * Each is timed as tfjs-layers and tf.train build it and as Transfer Lab runs it (transposed Dense
 * kernel, fused optimizer; the input gradient as a dual convolution, or a matrix product for 1×1
 * filters), in this one process; medians of timed steps after warm-up. Fine-tuning MobileNetV2's
 * last blocks has no stock wasm form (no depthwise gradient kernels), so it is timed on wasm with
 * Transfer Lab's kernels against the cpu backend, the only tfjs engine here that could train it
 * before. Both sides run with the transposed-operand matmul fix (engine/wasm-kernel-patches.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { buildHead, loadTrainableBlock, selectBackend, type HeadOptions } from '@tlab/trainer';

const batchSize = 20;
const featureShape = [7, 7, 768];
const headConfig: HeadOptions['head'] = { pooling: 'flatten', units: 1024, activation: 'relu', dropout: 0.2 };
const train: HeadOptions['train'] = { optimizer: 'rmsprop', learning_rate: 1e-4 };

// Captured before selectBackend replaces it, to time fine-tuning with tfjs's own kernel.
const stockInputGradient = tf.getKernel('Conv2DBackpropInput', 'wasm');
if (!stockInputGradient) throw new Error('the wasm backend registers no Conv2DBackpropInput kernel');
await selectBackend({ requested: 'wasm' });
const patchedInputGradient = tf.getKernel('Conv2DBackpropInput', 'wasm')!;

async function medianStepMs(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, steps: number, warmUpSteps = 2): Promise<number> {
  for (let i = 0; i < warmUpSteps; i++) await model.trainOnBatch(x, y);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    await model.trainOnBatch(x, y);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

function disposeModel(model: tf.LayersModel): void {
  model.optimizer.dispose();
  model.dispose();
}

/** The course's head exactly as tfjs-layers and tf.train build it. */
function stockFlattenHead(): tf.LayersModel {
  const input = tf.input({ shape: featureShape });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 1024, activation: 'relu' }).apply(flat) as tf.SymbolicTensor;
  const dropped = tf.layers.dropout({ rate: 0.2 }).apply(hidden) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(dropped) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.rmsprop(1e-4), loss: 'binaryCrossentropy', metrics: ['binaryAccuracy'] });
  return model;
}

const labels = tf.tensor2d(Array.from({ length: batchSize }, (_, i) => [i % 2]));

console.log(`Flatten head step (batch ${batchSize}, features ${featureShape.join('×')}):`);
const features = tf.randomUniform([batchSize, ...featureShape], 0, 1, 'float32', 1);
const stockHead = stockFlattenHead();
const stockHeadMs = await medianStepMs(stockHead, features, labels, 5);
disposeModel(stockHead);
console.log(`  tfjs-layers Dense + tf.train.rmsprop   ${stockHeadMs.toFixed(0)} ms`);
const head = buildHead({ featureShape, classCount: 2, head: headConfig, train, seed: 1 });
const headMs = await medianStepMs(head, features, labels, 5);
disposeModel(head);
console.log(`  Transfer Lab head                      ${headMs.toFixed(0)} ms  (${(stockHeadMs / headMs).toFixed(2)}× faster)`);
features.dispose();

console.log(`Fine-tuning InceptionV3's mixed7 block at 150×150 (batch ${batchSize}, GAP head):`);
const block = await loadTrainableBlock({ name: 'inception_v3', weights: 'embedded', cutoff: 'mixed7', trainable_from: 'conv2d_65' }, [150, 150]);
const finetune = buildHead({ featureShape: block.featureShape, classCount: 2, head: { ...headConfig, pooling: 'avg' }, train, seed: 1, trunk: block.model });
const boundaryFeatures = tf.randomUniform([batchSize, ...block.boundaryShape], 0, 1, 'float32', 2);
const imagesPerSecond = (ms: number) => (batchSize * 1000) / ms;
const useInputGradient = (kernel: tf.KernelConfig) => {
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel(kernel);
};
useInputGradient(stockInputGradient);
const stockFinetune = imagesPerSecond(await medianStepMs(finetune, boundaryFeatures, labels, 3));
console.log(`  wasm's own Conv2DBackpropInput         ${stockFinetune.toFixed(1)} images/s`);
useInputGradient(patchedInputGradient);
const patchedFinetune = imagesPerSecond(await medianStepMs(finetune, boundaryFeatures, labels, 3));
console.log(`  Transfer Lab's Conv2DBackpropInput     ${patchedFinetune.toFixed(1)} images/s  (${(patchedFinetune / stockFinetune).toFixed(2)}×)`);
boundaryFeatures.dispose();
disposeModel(finetune);

/** One fine-tuning step of MobileNetV2's last blocks: ~35 s for 2 images on the cpu backend, hence its smaller batch. */
async function mobilenetFinetuneImagesPerSecond(batch: number, steps: number, warmUpSteps: number): Promise<number> {
  const mobilenet = await loadTrainableBlock({ name: 'mobilenet_v2', weights: 'embedded', alpha: 1, cutoff: 'out_relu', trainable_from: 'block_13_expand' }, [224, 224]);
  const model = buildHead({ featureShape: mobilenet.featureShape, classCount: 2, head: { ...headConfig, pooling: 'avg' }, train, seed: 1, trunk: mobilenet.model });
  const inputs = tf.randomUniform([batch, ...mobilenet.boundaryShape], 0, 1, 'float32', 3);
  const targets = tf.tensor2d(Array.from({ length: batch }, (_, i) => [i % 2]));
  const rate = (batch * 1000) / (await medianStepMs(model, inputs, targets, steps, warmUpSteps));
  tf.dispose([inputs, targets]);
  disposeModel(model);
  return rate;
}

console.log(`Fine-tuning MobileNetV2's blocks 13–16 and Conv_1 at 224×224 (GAP head):`);
const wasmMobilenet = await mobilenetFinetuneImagesPerSecond(batchSize, 5, 2);
console.log(`  wasm with Transfer Lab's depthwise gradients, batch ${batchSize}  ${wasmMobilenet.toFixed(1)} images/s`);
await tf.setBackend('cpu');
const cpuMobilenet = await mobilenetFinetuneImagesPerSecond(2, 1, 1);
console.log(`  tfjs cpu backend, batch 2                          ${cpuMobilenet.toFixed(2)} images/s  (wasm ${(wasmMobilenet / cpuMobilenet).toFixed(0)}× faster)`);

console.log(
  `BENCH head-training stock_head_step_ms=${stockHeadMs.toFixed(0)} head_step_ms=${headMs.toFixed(0)} head_speedup=${(stockHeadMs / headMs).toFixed(2)} ` +
    `stock_finetune_img_per_s=${stockFinetune.toFixed(1)} finetune_img_per_s=${patchedFinetune.toFixed(1)} finetune_speedup=${(patchedFinetune / stockFinetune).toFixed(2)} ` +
    `cpu_mobilenet_finetune_img_per_s=${cpuMobilenet.toFixed(2)} mobilenet_finetune_img_per_s=${wasmMobilenet.toFixed(1)} mobilenet_finetune_speedup=${(wasmMobilenet / cpuMobilenet).toFixed(0)}`,
);
