import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.ts';
import type { FeatureProvider, FeatureRequest } from '../features/feature-provider.ts';
import { buildHead } from '../model/build-head.ts';
import { bestEpochIndex, checkpointPolicy, predictedClass, createRandom, deriveSeed, faultPoint, historyMetrics, isAugmenting, samplesPerEpoch, shuffledIndices, timingMetrics } from '@tlab/core';
import type { ArtifactRef, AugmentConfig, Checkpoint, Confusion, MetricSpec, ResolvedConfig, SamplePrediction } from '@tlab/core';
import { snapshotTrainableWeights, type WeightSnapshot } from '../model/trained-weights.ts';
import { EarlyStopping } from './early-stopping.ts';
import type { EpochMetrics } from './epoch-metrics.ts';
import { NonFiniteLossError, RunInterruptedError } from './train-errors.ts';

interface StepProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly steps: number;
  /** Images whose frozen features this run computed so far (the rest came from the cache). */
  readonly computedImages: number;
  readonly epochSeconds: number;
}

/** A step's own part of a progress report; the epoch's reporter adds the rest. */
type StepReport = { readonly step: number; readonly steps: number } & ({ readonly phase: 'train'; readonly loss: number; readonly accuracy: number } | { readonly phase: 'validate' });
type ReportStep = (report: StepReport) => void;

export type TrainProgress = (StepProgress & { readonly phase: 'train'; readonly loss: number; readonly accuracy: number }) | (StepProgress & { readonly phase: 'validate' });

export interface TrainVariantInput {
  readonly config: ResolvedConfig;
  /** The experiment's metric (the spec's `metric`): which epoch is the best one. */
  readonly metric: MetricSpec;
  readonly dataset: Dataset;
  /** Frozen-backbone features at this variant's cutoff, or at the fine-tuned trunk's input. */
  readonly features: FeatureProvider;
  /** Fine-tuning: the trainable backbone block from the features to the cutoff; disposed with the head. */
  readonly trunk?: tf.LayersModel;
  /**
   * Stores the evaluated epoch's checkpoint (unless `train.checkpoint` is `none`), once, after
   * training. Its weights may be views of the backend's memory: valid only during the call.
   */
  readonly keepCheckpoint?: (checkpoint: Checkpoint) => ArtifactRef;
  /** Called after each epoch, before the next starts; the runner commits the row here. */
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onProgress?: (progress: TrainProgress) => void;
  readonly signal?: AbortSignal;
}

export interface TrainResult {
  readonly epochs: readonly EpochMetrics[];
  readonly stoppedEarly: boolean;
  /** The epoch whose model is kept (`train.checkpoint`: best by the spec's metric, or the last). */
  readonly evaluatedEpoch: number;
  /** Of the evaluated epoch's model on the validation split: matrix[actual][predicted]. */
  readonly confusion: Confusion;
  /** Each validation image's probabilities under the evaluated epoch's model, in split order. */
  readonly predictions: readonly SamplePrediction[];
  /** Where `keepCheckpoint` stored the evaluated epoch's weights; null with `checkpoint: none` or no keepCheckpoint. */
  readonly checkpoint: ArtifactRef | null;
  /** Final and best metrics, images/s and wall time: what leaderboards sort on. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Trains one variant, Keras-style: shuffled batches per epoch, then a pass over the validation
 * split. What trains is the head, plus the backbone's top block (`trunk`) when fine-tuning; the
 * frozen part below runs outside the trained graph and arrives as features from `input.features`
 * (cached, shared between variants). That is also why tfjs-layers 4.22's BatchNormalization, which
 * breaks any gradient through it, never sits in a gradient here: a trunk's BatchNormalization layers
 * are FrozenBatchNorm (finetune/frozen-batch-norm.ts).
 */
export async function trainVariant(input: TrainVariantInput): Promise<TrainResult> {
  const { config, dataset } = input;
  const classCount = dataset.classes.length;
  const started = performance.now();
  const timings = { featureSeconds: 0, headSeconds: 0 };
  const featureBatches = new FeatureBatches(input, timings);
  const featureShape = input.trunk ? (input.trunk.outputs[0]!.shape.slice(1) as number[]) : input.features.featureShape;
  const head = buildHead({ featureShape, classCount, head: config.head, train: config.train, seed: config.seed, ...(input.trunk ? { trunk: input.trunk } : {}) });
  const stopper = config.train.early_stopping ? new EarlyStopping(config.train.early_stopping) : undefined;
  const history: EpochMetrics[] = [];
  const policy = checkpointPolicy(config.train);
  let stoppedEarly = false;
  let evaluated: { epoch: number; validation: Validation; weights: WeightSnapshot | null } | undefined;
  let trainedImages = 0;
  try {
    // Every augmentation draw of a planned group validates on the same un-augmented features. A run
    // that does not augment computes them before its training features (it computes both in its
    // first epoch, so the order costs it nothing): then a run of the group's augmented draw, started
    // beside it by another worker sharing the cache, finds them cached at the end of its first epoch
    // instead of computing them a second time.
    await featureBatches.precomputeValidation();
    for (let epoch = 1; epoch <= config.train.epochs; epoch++) {
      const epochStarted = performance.now();
      const report: ReportStep = (step) =>
        input.onProgress?.({
          ...step,
          epoch,
          epochs: config.train.epochs,
          computedImages: input.features.computedImages(),
          epochSeconds: secondsSince(epochStarted),
        });
      const trained = await trainEpoch(input, head, featureBatches, epoch, timings, report);
      trainedImages += trained.images;
      const validation = await validate(input, head, featureBatches, timings, report);
      const metrics: EpochMetrics = {
        epoch,
        loss: trained.loss,
        accuracy: trained.accuracy,
        valLoss: validation.loss,
        valAccuracy: validation.accuracy,
        seconds: secondsSince(epochStarted),
      };
      history.push(metrics);
      // Keras's ModelCheckpoint(save_best_only) by the same rule that names the run's best epoch.
      if (policy === 'last' || bestEpochIndex(history, input.metric) === history.length - 1) {
        evaluated?.weights?.dispose();
        evaluated = { epoch, validation, weights: policy === 'none' ? null : snapshotTrainableWeights(head) };
      }
      input.onEpoch?.(metrics);
      if (stopper?.update(metrics)) {
        stoppedEarly = epoch < config.train.epochs;
        break;
      }
    }
  } catch (error) {
    evaluated?.weights?.dispose();
    throw error;
  } finally {
    disposeHead(head);
  }
  // The training's wall time, not keeping its checkpoint's.
  const wallSeconds = secondsSince(started);
  const { epoch, validation, weights } = evaluated!;
  let checkpoint: ArtifactRef | null = null;
  try {
    const keep = input.keepCheckpoint;
    if (weights !== null && keep !== undefined) checkpoint = weights.use((kept) => keep({ epoch, weights: [...kept] }));
  } finally {
    weights?.dispose();
  }
  return {
    epochs: history,
    stoppedEarly,
    evaluatedEpoch: epoch,
    confusion: { classes: dataset.classes, matrix: validation.confusion },
    predictions: dataset.validation.map((item, i) => ({ file: item.path, sha256: item.sha256, label: item.label, probabilities: validation.probabilities[i]! })),
    checkpoint,
    metrics: summarise(history, input.metric, wallSeconds, trainedImages, timings),
  };
}

interface Validation {
  readonly loss: number;
  readonly accuracy: number;
  readonly confusion: number[][];
  /** Per validation item, in split order: one probability per class. */
  readonly probabilities: number[][];
}

/** Seconds spent producing features (image loading + frozen pass, overlapping head work) and in the head. */
interface Timings {
  featureSeconds: number;
  headSeconds: number;
}

async function trainEpoch(input: TrainVariantInput, head: tf.LayersModel, featureBatches: FeatureBatches, epoch: number, timings: Timings, report: ReportStep) {
  const { config, dataset } = input;
  const batchSize = config.train.batch_size;
  const steps = Math.ceil(samplesPerEpoch(dataset.train.length, config) / batchSize);
  let lossSum = 0;
  let correctSum = 0;
  let seen = 0;
  await pipeline(
    epochBatches(dataset.train.length, config, epoch),
    (batch) => featureBatches.train(batch, epoch),
    async (batchFeatures, batch, step) => {
      throwIfAborted(input.signal);
      const labels = labelTensor(batch.map((s) => dataset.train[s.item]!.label), dataset.classes.length);
      try {
        const stepStarted = performance.now();
        const [loss, accuracy] = (await head.trainOnBatch(batchFeatures, labels)) as number[];
        timings.headSeconds += secondsSince(stepStarted);
        faultPoint('mid-epoch');
        if (!Number.isFinite(loss!)) throw new NonFiniteLossError(epoch, step + 1);
        lossSum += loss! * batch.length;
        correctSum += accuracy! * batch.length;
        seen += batch.length;
        report({ phase: 'train', step: step + 1, steps, loss: lossSum / seen, accuracy: correctSum / seen });
      } finally {
        labels.dispose();
        batchFeatures.dispose();
      }
    },
  );
  return { loss: lossSum / seen, accuracy: correctSum / seen, images: seen };
}

async function validate(input: TrainVariantInput, head: tf.LayersModel, featureBatches: FeatureBatches, timings: Timings, report: ReportStep): Promise<Validation> {
  const { dataset } = input;
  const classCount = dataset.classes.length;
  const batches = validationBatches(input);
  const steps = batches.length;
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  const probabilities: number[][] = [];
  let lossSum = 0;
  await pipeline(
    batches,
    (batch) => featureBatches.validation(batch),
    async (batchFeatures, batch, step) => {
      throwIfAborted(input.signal);
      const actual = batch.map((s) => dataset.validation[s.item]!.label);
      try {
        const evaluateStarted = performance.now();
        const evaluation = evaluateBatch(head, batchFeatures, actual, classCount);
        timings.headSeconds += secondsSince(evaluateStarted);
        lossSum += evaluation.loss;
        evaluation.probabilities.forEach((p, i) => {
          probabilities.push(p);
          confusion[actual[i]!]![predictedClass(p)]! += 1;
        });
        report({ phase: 'validate', step: step + 1, steps });
      } finally {
        batchFeatures.dispose();
      }
    },
  );
  const correct = confusion.reduce((sum, row, i) => sum + row[i]!, 0);
  return { loss: lossSum / dataset.validation.length, accuracy: correct / dataset.validation.length, confusion, probabilities };
}

/** The validation split in batches of the training's batch size, in split order. */
function validationBatches({ config, dataset }: TrainVariantInput): Sample[][] {
  const batchSize = config.train.batch_size;
  const items = dataset.validation.map((_, item) => ({ item, sampleId: item }));
  return Array.from({ length: Math.ceil(items.length / batchSize) }, (_, s) => items.slice(s * batchSize, (s + 1) * batchSize));
}

/** Summed loss (the training loss's definition) and per-class probabilities of one validation batch. */
function evaluateBatch(head: tf.LayersModel, batchFeatures: tf.Tensor, actual: readonly number[], classCount: number) {
  const [lossSum, output] = tf.tidy(() => {
    const probabilities = head.predict(batchFeatures) as tf.Tensor;
    const labels = labelTensor(actual, classCount);
    const perSample = classCount === 2
      ? tf.metrics.binaryCrossentropy(labels, probabilities)
      : tf.metrics.categoricalCrossentropy(labels, probabilities);
    return [perSample.sum(), probabilities] as const;
  });
  const loss = lossSum.dataSync()[0]!;
  const rows = output.arraySync() as number[][];
  lossSum.dispose();
  output.dispose();
  // A sigmoid's one output p is the probability of class 1: [1 − p, p] for both classes.
  return { loss, probabilities: classCount === 2 ? rows.map(([p]) => [1 - p!, p!]) : rows };
}

interface Sample {
  /** Index into the split's items. */
  readonly item: number;
  /** Identifies the augmentation draw: the item, plus the split's size per repeat within an epoch. */
  readonly sampleId: number;
}

/**
 * The epoch's batches in order: a fresh seeded shuffle per epoch, extended by further shuffles when
 * `steps_per_epoch` asks for more samples than the split holds (as a Keras generator would loop).
 * Drawn as they are trained, so memory holds one shuffle of the split, not the whole epoch.
 */
function* epochBatches(trainSize: number, config: ResolvedConfig, epoch: number): Generator<Sample[]> {
  const wanted = samplesPerEpoch(trainSize, config);
  let drawn = 0;
  let batch: Sample[] = [];
  for (let repeat = 0; drawn < wanted; repeat++) {
    const order = shuffledIndices(trainSize, createRandom(deriveSeed(config.seed, 'order', epoch, repeat)));
    const taken = Math.min(trainSize, wanted - drawn);
    for (const item of order.slice(0, taken)) {
      batch.push({ item, sampleId: item + repeat * trainSize });
      if (batch.length === config.train.batch_size) {
        yield batch;
        batch = [];
      }
    }
    drawn += taken;
  }
  if (batch.length > 0) yield batch;
}

/** A batch of samples → a features tensor; augmentation applies to training batches only. */
class FeatureBatches {
  private readonly augment: AugmentConfig | null;

  constructor(
    private readonly input: TrainVariantInput,
    private readonly timings: Timings,
  ) {
    this.augment = isAugmenting(input.config.augment) ? input.config.augment : null;
  }

  train(batch: readonly Sample[], epoch: number): Promise<tf.Tensor> {
    return this.tensor(this.request(batch.map((s) => this.input.dataset.train[s.item]!), batch, epoch, this.augment), batch);
  }

  validation(batch: readonly Sample[]): Promise<tf.Tensor> {
    return this.tensor(this.validationRequest(batch), batch);
  }

  /**
   * Computes the validation split's features into the cache before the first epoch, when this run
   * does not augment and its features are cached (see trainVariant for why).
   */
  async precomputeValidation(): Promise<void> {
    const precompute = this.input.features.precompute;
    if (this.augment !== null || precompute === undefined) return;
    const started = performance.now();
    for (const batch of validationBatches(this.input)) {
      throwIfAborted(this.input.signal);
      await precompute(this.validationRequest(batch));
    }
    this.timings.featureSeconds += secondsSince(started);
  }

  private validationRequest(batch: readonly Sample[]): FeatureRequest {
    return this.request(batch.map((s) => this.input.dataset.validation[s.item]!), batch, 0, null);
  }

  private request(items: Dataset['train'][number][], batch: readonly Sample[], epoch: number, augment: AugmentConfig | null): FeatureRequest {
    // Un-augmented images look the same every epoch: asking for epoch 0 lets a cache serve them all.
    return { items, sampleIds: batch.map((s) => s.sampleId), epoch: augment ? epoch : 0, augment };
  }

  private async tensor(request: FeatureRequest, batch: readonly Sample[]): Promise<tf.Tensor> {
    const started = performance.now();
    const values = await this.input.features.features(request);
    this.timings.featureSeconds += secondsSince(started);
    return tf.tensor(values, [batch.length, ...this.input.features.featureShape]);
  }
}

/** Runs `produce` for batch i+1 while `consume` works on batch i, so decoding overlaps compute. */
async function pipeline<B, T extends tf.Tensor>(
  batches: Iterable<B>,
  produce: (batch: B) => Promise<T>,
  consume: (value: T, batch: B, index: number) => Promise<void>,
): Promise<void> {
  const iterator = batches[Symbol.iterator]();
  const prefetch = (): { batch: B; value: Promise<T> } | undefined => {
    const next = iterator.next();
    if (next.done === true) return undefined;
    const value = produce(next.value);
    // It can fail (an image changed since the dataset was resolved) before the loop awaits it:
    // marked handled, its error reaches that await instead of ending the process as an unhandled rejection.
    value.catch(() => undefined);
    return { batch: next.value, value };
  };
  let next = prefetch();
  for (let i = 0; next !== undefined; i++) {
    // Cached features and tfjs steps resolve as microtasks: without a macrotask turn per batch,
    // a whole run would starve timers and signal handlers (lease heartbeats, Ctrl-C).
    await new Promise((resolve) => setImmediate(resolve));
    const { batch, value } = next;
    const current = await value;
    next = prefetch();
    try {
      await consume(current, batch, i);
    } catch (error) {
      // The prefetched batch is never consumed: free its tensor before giving up.
      if (next) void next.value.then((t) => t.dispose(), () => undefined);
      throw error;
    }
  }
}

function labelTensor(labels: readonly number[], classCount: number): tf.Tensor {
  return classCount === 2
    ? tf.tensor2d([...labels], [labels.length, 1], 'float32')
    : tf.tidy(() => tf.oneHot(tf.tensor1d([...labels], 'int32'), classCount).cast('float32'));
}

/** Seconds since `started`, a `performance.now()` reading. */
function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterruptedError();
}

function disposeHead(head: tf.LayersModel): void {
  head.optimizer?.dispose();
  head.dispose();
}

function summarise(history: readonly EpochMetrics[], metric: MetricSpec, wallSeconds: number, trainedImages: number, timings: Timings): Record<string, number> {
  return {
    ...historyMetrics(history, metric),
    epochs_run: history.length,
    ...timingMetrics({ wallSeconds, trainedImages, epochSeconds: history.reduce((s, e) => s + e.seconds, 0), ...timings }),
  };
}
