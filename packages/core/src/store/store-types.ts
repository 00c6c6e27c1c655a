import type { ArtifactRef } from '../artifacts/artifact-store.ts';
import type { ResolvedConfig } from '../spec/schema.ts';
import type { SpecFacts } from '../spec/spec-facts.ts';

export const runStatuses = ['queued', 'running', 'done', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof runStatuses)[number];

export interface HostInfo {
  readonly hostname: string;
  readonly platform: string;
  readonly cpus: number;
  /** `process.version`. */
  readonly node: string;
}

/** Everything about the machine and inputs an attempt ran with, so a result can be explained later. */
export interface RunEnvironment {
  /** tfjs backend name: `tensorflow`, `wasm`, `cpu`. */
  readonly backend: string;
  readonly threads: number;
  /** What ran the frozen backbone: `onnx` (ONNX Runtime) or `tfjs` (the backend above). */
  readonly frozenEngine: string;
  readonly frozenThreads: number;
  /** Package name → version, e.g. `{ "@tensorflow/tfjs": "4.22.0" }`. */
  readonly versions: Readonly<Record<string, string>>;
  readonly host: HostInfo;
  readonly datasetFingerprint: string;
  readonly weightsHash: string;
  /** The weights in words (`imagenet (keras h5)`, `embedded (nsfwjs)`, a path); null for runs stored before it was recorded. */
  readonly weightsSource: string | null;
  readonly skippedFiles: number;
  /** How the frozen features the head trained on were kept: `float16` or `float32`; null for runs stored before it was recorded. */
  readonly featurePrecision: string | null;
}

export interface ExperimentInput {
  readonly name: string;
  readonly specText: string;
  readonly specHash: string;
  /** What readers need from the spec (specFacts); a sweep always stores them. */
  readonly facts?: SpecFacts;
  /** The spec file's absolute path: the folder its relative data and weights paths resolve against. */
  readonly specFile?: string;
}

export interface SpecVersion {
  readonly specHash: string;
  readonly specText: string;
  readonly firstSeenAt: string;
  /** Null for a version stored without them whose text no longer parses. */
  readonly facts: SpecFacts | null;
  /** Where the spec was read from when first stored; null before migration 6 or when not from a file. */
  readonly specFile: string | null;
}

export interface VariantInput {
  /** The variant id; also the run's primary key. */
  readonly id: string;
  readonly index: number;
  /** The swept values of this variant, by parameter path. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly config: ResolvedConfig;
  readonly seed: number;
}

export interface RunRow {
  readonly id: string;
  readonly experimentId: number;
  readonly index: number;
  readonly params: Record<string, unknown>;
  readonly config: ResolvedConfig;
  readonly seed: number;
  readonly status: RunStatus;
  readonly error: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly attempts: number;
  /** Of the latest attempt; null until the run is first started. */
  readonly environment: RunEnvironment | null;
  /** Who holds a running run and until when (ms since the epoch); null when nobody does. */
  readonly lease: { readonly owner: string; readonly expiresAt: number } | null;
  /** The trained weights of the evaluated epoch in the artifact folder; null with `checkpoint: none` or before it finished. */
  readonly checkpoint: ArtifactRef | null;
}

/** One epoch's Keras-style logs. A diverged NaN is stored as SQL NULL and comes back as NaN. */
export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly seconds: number;
}

/** Where a running run is inside an epoch, as the runner last reported it. */
export interface EpochProgress {
  readonly epoch: number;
  readonly phase: 'train' | 'validate';
  /** Batches of this phase done, of `steps`. */
  readonly step: number;
  readonly steps: number;
  /** Images whose frozen features the run computed so far; the rest came from the feature cache. */
  readonly computedImages: number;
  /** Seconds since the epoch started. */
  readonly epochSeconds: number;
}

/** Rows are true classes and columns predicted classes, in the order of `classes`. */
export interface Confusion {
  readonly classes: readonly string[];
  readonly matrix: readonly (readonly number[])[];
}

export interface RunConfusion extends Confusion {
  /** Per true class: correct / total, NaN for a class without validation images. */
  readonly perClassAccuracy: readonly number[];
  /** The epoch evaluated (the checkpoint's); null for runs stored before checkpoints, whose matrix is the last epoch's. */
  readonly epoch: number | null;
}

/** One validation image as the evaluated epoch's model saw it. */
export interface SamplePrediction {
  /** The file as the dataset listed it, and its content hash (stable when folders move). */
  readonly file: string;
  readonly sha256: string;
  readonly label: number;
  /** One probability per class, in the order of the run's classes. */
  readonly probabilities: readonly number[];
}

export interface StoredPrediction extends SamplePrediction {
  /** Position in the validation split (sorted by class, then file). */
  readonly sample: number;
  readonly predicted: number;
}

export interface RunResult {
  /** e.g. best_val_accuracy, final_val_accuracy, best_epoch, epochs_run, wall_seconds, train_images_per_second. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The evaluated epoch (the checkpoint's: best by the spec's metric, or the last) and its validation results. */
  readonly evaluatedEpoch: number;
  readonly confusion: Confusion;
  readonly predictions: readonly SamplePrediction[];
  readonly checkpoint: ArtifactRef | null;
}

export interface ExperimentSummary {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly runCount: number;
  readonly statusCounts: Readonly<Record<RunStatus, number>>;
  /** Best value of the requested metric over the experiment's runs; null when none has it. */
  readonly best: { readonly runId: string; readonly value: number } | null;
  /** Latest of the experiment's update and its runs' created, started and finished times. */
  readonly lastActivityAt: string;
}

export interface SummaryOptions {
  /** Metric key to rank by; `best_val_accuracy` when absent. */
  readonly metric?: string;
  readonly goal?: 'maximize' | 'minimize';
}

/** What the UI needs: reads only. */
export interface StoreReader {
  readonly file: string;
  listExperiments(options?: SummaryOptions): ExperimentSummary[];
  specVersionsOf(experimentId: number): SpecVersion[];
  /** In variant-index order. */
  runsOf(experimentId: number): RunRow[];
  getRun(runId: string): RunRow | undefined;
  /** In epoch order. */
  epochsOf(runId: string): EpochRecord[];
  metricsOf(runId: string): Record<string, number>;
  confusionOf(runId: string): RunConfusion | undefined;
  predictionsOf(runId: string): StoredPrediction[];
  /** The run's prediction for the validation image with this content hash (the first, if the image is there twice). */
  predictionOf(runId: string, sha256: string): StoredPrediction | undefined;
  /** Every run's checkpoint reference, by run id: what the artifact folder must keep. */
  checkpoints(): Array<{ readonly runId: string } & ArtifactRef>;
  close(): void;
}

/** The runner's view. On a read-only store every write throws TLAB_DB_READONLY. */
export interface Store extends StoreReader {
  /** Creates the experiment on first sight and records `specHash` if it is new; returns the experiment id. */
  ensureExperiment(input: ExperimentInput): number;
  /** Inserts unknown ids as queued and leaves known ones untouched; returns how many were new. */
  registerVariants(experimentId: number, variants: readonly VariantInput[]): number;
  /** This store's lease owner id. */
  readonly owner: string;
  /** How long a claim lasts without renewal; renew well within it. */
  readonly leaseMs: number;
  /**
   * Claims the run for this store's owner and begins a new attempt, discarding whatever an earlier
   * unfinished attempt recorded. Returns false, changing nothing, when the run is done or another
   * owner holds an unexpired lease on it: that is how concurrent sweeps split the work.
   */
  startRun(runId: string, environment: RunEnvironment): boolean;
  /** Extends this owner's lease; false when the lease was lost (expired and taken over). */
  renewLease(runId: string): boolean;
  /** Ends the lease of an owner known to be dead, so its run can be claimed at once. */
  expireLeasesOf(owner: string): number;
  /** The writes below throw TLAB_LEASE_LOST unless this store's owner holds the run's lease. */
  recordEpoch(runId: string, epoch: EpochRecord): void;
  /** Where the run is inside its current epoch; replaces the previous report. */
  recordProgress(runId: string, progress: EpochProgress): void;
  finishRun(runId: string, result: RunResult): void;
  failRun(runId: string, errorText: string): void;
  interruptRun(runId: string): void;
  /**
   * Marks running runs interrupted whose lease is still exactly the one given (owner and expiry, or
   * none): a run taken over or renewed since is left alone. For runs left running by processes
   * that are gone, which no sweep may ever take over (`tlab runs abandon`). Returns the ids marked.
   */
  abandonRuns(runs: ReadonlyArray<{ readonly runId: string; readonly lease: RunRow['lease'] }>): string[];
}
