import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../backbones/backbone.ts';
import type { Dataset, DatasetItem, ImageBatch } from '../data/dataset.ts';
import { buildHead } from '../model/build-head.ts';
import { createRandom, deriveSeed, shuffledIndices } from '../random/seeded-random.ts';
import type { AugmentConfig, ResolvedConfig } from '../spec/schema.ts';
import type { Confusion } from '../store/store-types.ts';
import { EarlyStopping } from './early-stopping.ts';
import { bestEpochIndex, type EpochMetrics } from './epoch-metrics.ts';
import { FeatureMemo } from './feature-memo.ts';
import { NonFiniteLossError, RunInterruptedError } from './train-errors.ts';

export interface LoadBatchOptions {
  readonly imageSize: [number, number];
  readonly rescale: number;
  readonly augment: AugmentConfig | null;
  readonly seed: number;
  readonly epoch: number;
  readonly sampleIds: readonly number[];
}
export type LoadImageBatch = (items: readonly DatasetItem[], options: LoadBatchOptions) => Promise<ImageBatch>;

export type TrainProgress =
  | { readonly phase: 'train'; readonly epoch: number; readonly epochs: number; readonly step: number; readonly steps: number; readonly loss: number; readonly accuracy: number }
  | { readonly phase: 'validate'; readonly epoch: number; readonly epochs: number; readonly step: number; readonly steps: number };

export interface TrainVariantInput {
  readonly config: ResolvedConfig;
  readonly backbone: Backbone;
  readonly dataset: Dataset;
  readonly loadImageBatch: LoadImageBatch;
  /** Called after each epoch, before the next starts; the runner commits the row here. */
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onProgress?: (progress: TrainProgress) => void;
  readonly signal?: AbortSignal;
  /** Bytes of backbone features kept in memory across epochs (validation, un-augmented training). */
  readonly featureMemoBytes?: number;
}

export interface TrainResult {
  readonly epochs: readonly EpochMetrics[];
  readonly stoppedEarly: boolean;
  /** Of the last epoch's model on the validation split: matrix[actual][predicted]. */
  readonly confusion: Confusion;
  /** Final and best metrics, images/s and wall time: what leaderboards sort on. */
  readonly metrics: Readonly<Record<string, number>>;
}

const defaultFeatureMemoBytes = 1024 ** 3;

/**
 * Trains one variant's head on features of the frozen backbone, Keras-style: shuffled batches per
 * epoch, then a pass over the validation split. The backbone runs with `predict` outside the trained
 * graph because tfjs-layers 4.22's BatchNormalization breaks any gradient through it (engine facts,
 * pitfall 1) — and because frozen features are what transfer learning trains on anyway.
 */
export async function trainVariant(input: TrainVariantInput): Promise<TrainResult> {
  const { config, backbone, dataset } = input;
  const classCount = dataset.classes.length;
  const started = performance.now();
  const features = new FeatureSource(input, new FeatureMemo(input.featureMemoBytes ?? defaultFeatureMemoBytes));
  const head = buildHead({ featureShape: backbone.featureShape, classCount, head: config.head, train: config.train, seed: config.seed });
  const stopper = config.train.early_stopping ? new EarlyStopping(config.train.early_stopping) : undefined;
  const history: EpochMetrics[] = [];
  let stoppedEarly = false;
  let lastValidation: Validation | undefined;
  let trainedImages = 0;
  try {
    for (let epoch = 1; epoch <= config.train.epochs; epoch++) {
      const epochStarted = performance.now();
      const trained = await trainEpoch(input, head, features, epoch);
      trainedImages += trained.images;
      lastValidation = await validate(input, head, features, epoch);
      const metrics: EpochMetrics = {
        epoch,
        loss: trained.loss,
        accuracy: trained.accuracy,
        valLoss: lastValidation.loss,
        valAccuracy: lastValidation.accuracy,
        seconds: (performance.now() - epochStarted) / 1000,
      };
      history.push(metrics);
      input.onEpoch?.(metrics);
      if (stopper?.update(metrics)) {
        stoppedEarly = epoch < config.train.epochs;
        break;
      }
    }
  } finally {
    disposeHead(head);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    epochs: history,
    stoppedEarly,
    confusion: { classes: dataset.classes, matrix: lastValidation!.confusion },
    metrics: summarise(history, wallSeconds, trainedImages),
  };
}

interface Validation {
  readonly loss: number;
  readonly accuracy: number;
  readonly confusion: number[][];
}

async function trainEpoch(input: TrainVariantInput, head: tf.LayersModel, features: FeatureSource, epoch: number) {
  const { config, dataset } = input;
  const batchSize = config.train.batch_size;
  const samples = epochSamples(dataset.train.length, config, epoch);
  const steps = Math.ceil(samples.length / batchSize);
  const batches = Array.from({ length: steps }, (_, s) => samples.slice(s * batchSize, (s + 1) * batchSize));
  let lossSum = 0;
  let correctSum = 0;
  let seen = 0;
  await pipeline(
    batches,
    (batch) => features.train(batch, epoch),
    async (batchFeatures, batch, step) => {
      throwIfAborted(input.signal);
      const labels = labelTensor(batch.map((s) => dataset.train[s.item]!.label), dataset.classes.length);
      try {
        const [loss, accuracy] = (await head.trainOnBatch(batchFeatures, labels)) as number[];
        if (!Number.isFinite(loss!)) throw new NonFiniteLossError(epoch, step + 1);
        lossSum += loss! * batch.length;
        correctSum += accuracy! * batch.length;
        seen += batch.length;
        input.onProgress?.({ phase: 'train', epoch, epochs: config.train.epochs, step: step + 1, steps, loss: lossSum / seen, accuracy: correctSum / seen });
      } finally {
        labels.dispose();
        batchFeatures.dispose();
      }
    },
  );
  return { loss: lossSum / seen, accuracy: correctSum / seen, images: seen };
}

async function validate(input: TrainVariantInput, head: tf.LayersModel, features: FeatureSource, epoch: number): Promise<Validation> {
  const { config, dataset } = input;
  const classCount = dataset.classes.length;
  const batchSize = config.train.batch_size;
  const items = dataset.validation.map((_, item) => ({ item, sampleId: item }));
  const steps = Math.ceil(items.length / batchSize);
  const batches = Array.from({ length: steps }, (_, s) => items.slice(s * batchSize, (s + 1) * batchSize));
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  let lossSum = 0;
  await pipeline(
    batches,
    (batch) => features.validation(batch),
    async (batchFeatures, batch, step) => {
      throwIfAborted(input.signal);
      const actual = batch.map((s) => dataset.validation[s.item]!.label);
      try {
        const { loss, predicted } = evaluateBatch(head, batchFeatures, actual, classCount);
        lossSum += loss;
        actual.forEach((a, i) => confusion[a]![predicted[i]!]! += 1);
        input.onProgress?.({ phase: 'validate', epoch, epochs: config.train.epochs, step: step + 1, steps });
      } finally {
        batchFeatures.dispose();
      }
    },
  );
  const correct = confusion.reduce((sum, row, i) => sum + row[i]!, 0);
  return { loss: lossSum / items.length, accuracy: correct / items.length, confusion };
}

/** Summed loss and predicted classes of one validation batch, with the training loss's definition. */
function evaluateBatch(head: tf.LayersModel, batchFeatures: tf.Tensor, actual: readonly number[], classCount: number) {
  const [lossSum, predicted] = tf.tidy(() => {
    const probabilities = head.predict(batchFeatures) as tf.Tensor;
    const labels = labelTensor(actual, classCount);
    const binary = classCount === 2;
    const perSample = binary
      ? tf.metrics.binaryCrossentropy(labels, probabilities)
      : tf.metrics.categoricalCrossentropy(labels, probabilities);
    const classes = binary ? probabilities.greater(0.5).cast('int32').reshape([-1]) : probabilities.argMax(-1);
    return [perSample.sum(), classes] as const;
  });
  const result = { loss: lossSum.dataSync()[0]!, predicted: Array.from(predicted.dataSync()) };
  lossSum.dispose();
  predicted.dispose();
  return result;
}

interface Sample {
  /** Index into the split's items. */
  readonly item: number;
  /** Identifies the augmentation draw: the item, plus the split's size per repeat within an epoch. */
  readonly sampleId: number;
}

/**
 * The epoch's sample order: a fresh seeded shuffle per epoch, extended by further shuffles when
 * `steps_per_epoch` asks for more samples than the split holds (as a Keras generator would loop).
 */
function epochSamples(trainSize: number, config: ResolvedConfig, epoch: number): Sample[] {
  const wanted = config.train.steps_per_epoch ? config.train.steps_per_epoch * config.train.batch_size : trainSize;
  const samples: Sample[] = [];
  for (let repeat = 0; samples.length < wanted; repeat++) {
    const order = shuffledIndices(trainSize, createRandom(deriveSeed(config.seed, 'order', epoch, repeat)));
    for (const item of order) {
      if (samples.length === wanted) break;
      samples.push({ item, sampleId: item + repeat * trainSize });
    }
  }
  return samples;
}

/** Images → backbone features, memoised where an image looks the same every epoch. */
class FeatureSource {
  private readonly augment: AugmentConfig | null;

  constructor(
    private readonly input: TrainVariantInput,
    private readonly memo: FeatureMemo,
  ) {
    this.augment = isAugmenting(input.config.augment) ? input.config.augment : null;
  }

  train(batch: readonly Sample[], epoch: number): Promise<tf.Tensor> {
    const items = batch.map((s) => this.input.dataset.train[s.item]!);
    if (this.augment) return this.compute(items, batch, epoch, this.augment);
    return this.memoised('train', items, batch, epoch);
  }

  validation(batch: readonly Sample[]): Promise<tf.Tensor> {
    const items = batch.map((s) => this.input.dataset.validation[s.item]!);
    return this.memoised('validation', items, batch, 0);
  }

  private async memoised(split: string, items: DatasetItem[], batch: readonly Sample[], epoch: number): Promise<tf.Tensor> {
    const keys = batch.map((s) => `${split}:${s.item}`);
    const known = keys.map((k) => this.memo.get(k));
    const featureShape = [...this.input.backbone.featureShape];
    if (known.every((f) => f !== undefined)) {
      const size = known[0]!.length;
      const joined = new Float32Array(size * known.length);
      known.forEach((f, i) => joined.set(f, i * size));
      return tf.tensor(joined, [known.length, ...featureShape]);
    }
    const computed = await this.compute(items, batch, epoch, null);
    const values = computed.dataSync() as Float32Array;
    const size = values.length / batch.length;
    keys.forEach((k, i) => this.memo.offer(k, values.slice(i * size, (i + 1) * size)));
    return computed;
  }

  private async compute(items: DatasetItem[], batch: readonly Sample[], epoch: number, augment: AugmentConfig | null): Promise<tf.Tensor> {
    const { config, backbone } = this.input;
    const [height, width] = config.data.image_size;
    const images = await this.input.loadImageBatch(items, {
      imageSize: config.data.image_size,
      rescale: config.data.rescale,
      augment,
      seed: config.seed,
      epoch,
      sampleIds: batch.map((s) => s.sampleId),
    });
    return tf.tidy(() => backbone.model.predict(tf.tensor4d(images.pixels, [images.size, height, width, 3])) as tf.Tensor);
  }
}

/** Runs `produce` for batch i+1 while `consume` works on batch i, so decoding overlaps compute. */
async function pipeline<B, T extends tf.Tensor>(
  batches: readonly B[],
  produce: (batch: B) => Promise<T>,
  consume: (value: T, batch: B, index: number) => Promise<void>,
): Promise<void> {
  let next: Promise<T> | undefined = batches.length > 0 ? produce(batches[0]!) : undefined;
  for (let i = 0; i < batches.length; i++) {
    const current = await next!;
    next = i + 1 < batches.length ? produce(batches[i + 1]!) : undefined;
    try {
      await consume(current, batches[i]!, i);
    } catch (error) {
      // The prefetched batch is never consumed: free its tensor before giving up.
      if (next) void next.then((t) => t.dispose(), () => undefined);
      throw error;
    }
  }
}

function isAugmenting(augment: AugmentConfig): boolean {
  return (
    augment.rotation_range > 0 ||
    augment.width_shift_range > 0 ||
    augment.height_shift_range > 0 ||
    augment.shear_range > 0 ||
    (Array.isArray(augment.zoom_range) ? augment.zoom_range[0] !== 1 || augment.zoom_range[1] !== 1 : augment.zoom_range > 0) ||
    augment.horizontal_flip ||
    augment.vertical_flip ||
    augment.brightness_range !== null
  );
}

function labelTensor(labels: readonly number[], classCount: number): tf.Tensor {
  return classCount === 2
    ? tf.tensor2d([...labels], [labels.length, 1], 'float32')
    : tf.tidy(() => tf.oneHot(tf.tensor1d([...labels], 'int32'), classCount).cast('float32'));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterruptedError();
}

function disposeHead(head: tf.LayersModel): void {
  head.optimizer?.dispose();
  head.dispose();
}

function summarise(history: readonly EpochMetrics[], wallSeconds: number, trainedImages: number): Record<string, number> {
  const best = history[bestEpochIndex(history, 'val_accuracy')]!;
  const last = history[history.length - 1]!;
  return {
    best_val_accuracy: best.valAccuracy,
    best_epoch: best.epoch,
    final_val_accuracy: last.valAccuracy,
    final_val_loss: last.valLoss,
    best_val_loss: Math.min(...history.map((e) => e.valLoss)),
    final_accuracy: last.accuracy,
    final_loss: last.loss,
    epochs_run: history.length,
    wall_seconds: wallSeconds,
    train_images_per_second: trainedImages / history.reduce((s, e) => s + e.seconds, 0),
  };
}
