import fs from 'node:fs';
import path from 'node:path';
import {
  artifactsDirOf,
  ArtifactStore,
  decodeCheckpoint,
  NoCheckpointError,
  openStore,
  RunNotFoundError,
  type ArtifactRef,
  type Checkpoint,
  type EpochRecord,
  type RunConfusion,
  type RunEnvironment,
  type RunRow,
  type SpecVersion,
  type StoreReader,
} from '@tlab/core';
import { backboneWeightsHash, loadClassifier, locateBackbone, preprocessingOf, selectBackend, WeightsChangedError, type Classifier, type BackboneConfig, type Preprocessing } from '@tlab/trainer';
import type { RunSettings } from '../settings/run-settings.ts';

/** Where stored runs and their files are, as the CLI's common flags give them. */
export interface StoredRunContext {
  readonly dbFile: string;
  readonly cacheDir: string;
  readonly settings: RunSettings;
  /** Where notices go (a backend fallback); dropped when absent. */
  readonly warn?: (message: string) => void;
}

/** The tfjs backend the settings ask for, started before any model is built (tfjs picks one otherwise). */
export function startBackend(context: StoredRunContext): Promise<unknown> {
  return selectBackend({ requested: context.settings.backend, warn: context.warn ?? (() => undefined) });
}

/** A finished run read back from the store: what export, predict, evaluate and reproduce start from. */
export interface StoredRun {
  readonly run: RunRow & { readonly environment: RunEnvironment };
  readonly experiment: string;
  /** The spec version in force when the run was registered. */
  readonly specVersion: SpecVersion | undefined;
  readonly metrics: Readonly<Record<string, number>>;
  readonly epochs: readonly EpochRecord[];
  readonly confusion: RunConfusion | undefined;
  readonly imageSize: [number, number];
  readonly preprocessing: Preprocessing;
  /** Relative data and weights paths of the run's config resolve against this folder. */
  readonly specDir: string;
}

export interface TrainedRun extends StoredRun {
  readonly classes: readonly string[];
  readonly checkpointRef: ArtifactRef;
  readonly checkpoint: Checkpoint;
  /** The run's backbone with its files found, checked to hash to the weights the run recorded. */
  readonly backbone: BackboneConfig;
}

export function readStoredRun(runId: string, dbFile: string): StoredRun {
  const store = openStore(dbFile, { readonly: true });
  try {
    const run = store.getRun(runId);
    if (run === undefined) throw new RunNotFoundError(dbFile, runId);
    if (run.environment === null) throw new NoCheckpointError(runId, `it has never started (status ${run.status})`);
    const experiment = store.listExperiments().find((e) => e.id === run.experimentId)!.name;
    const specVersion = specVersionOf(store, run);
    return {
      run: { ...run, environment: run.environment },
      experiment,
      specVersion,
      metrics: store.metricsOf(runId),
      epochs: store.epochsOf(runId),
      confusion: store.confusionOf(runId),
      imageSize: run.config.data.image_size,
      preprocessing: preprocessingOf(run.config.data),
      specDir: specDirOf(specVersion),
    };
  } finally {
    store.close();
  }
}

/** The spec version a run was registered under: the last one first seen before the run was created. */
export function specVersionOf(store: StoreReader, run: RunRow): SpecVersion | undefined {
  return store.specVersionsOf(run.experimentId).filter((v) => v.firstSeenAt <= run.createdAt).at(-1);
}

/** Where relative data and weights paths of a run's config resolve: its spec's folder, else the working folder. */
export function specDirOf(specVersion: SpecVersion | undefined): string {
  const specFile = specVersion?.specFile;
  return specFile !== null && specFile !== undefined && fs.existsSync(path.dirname(specFile)) ? path.dirname(specFile) : process.cwd();
}

/**
 * A done run with its checkpoint read (hash-checked) from the artifact folder next to the DB, and
 * its backbone located as the sweep located it and checked against the weights hash the run
 * recorded: a model is only ever rebuilt on the bytes it was trained on.
 */
export async function openTrainedRun(runId: string, context: StoredRunContext): Promise<TrainedRun> {
  const stored = readStoredRun(runId, context.dbFile);
  const { run } = stored;
  if (run.status !== 'done') throw new NoCheckpointError(runId, `it is ${run.status}, not done`);
  if (run.checkpoint === null) {
    const why = stored.confusion?.epoch === null ? 'it was trained before Transfer Lab kept checkpoints' : 'its config says train.checkpoint: none';
    throw new NoCheckpointError(runId, why);
  }
  const artifacts = new ArtifactStore(artifactsDirOf(context.dbFile));
  const bytes = artifacts.read(run.checkpoint, `checkpoint of run ${runId}`);
  const checkpoint = decodeCheckpoint(bytes, artifacts.fileOf(run.checkpoint.sha256));
  const backbone = await locateRunBackbone(stored, context);
  return { ...stored, classes: stored.confusion!.classes, checkpointRef: run.checkpoint, checkpoint, backbone };
}

/** The run as one model (backbone to the cutoff + head, checkpoint loaded), on the backend the settings ask for. */
export async function loadRunClassifier(trained: TrainedRun, context: StoredRunContext): Promise<Classifier> {
  await startBackend(context);
  return loadClassifier({
    backbone: trained.backbone,
    imageSize: trained.imageSize,
    head: trained.run.config.head,
    classCount: trained.classes.length,
    checkpoint: trained.checkpoint,
    source: `checkpoint of run ${trained.run.id}`,
  });
}

/** The run's backbone files, found as a sweep finds them; refused unless they hash to what the run recorded. */
export async function locateRunBackbone(stored: StoredRun, context: StoredRunContext): Promise<BackboneConfig> {
  const { run } = stored;
  const located = await locateBackbone(run.config.backbone, stored.imageSize, {
    specDir: stored.specDir,
    cacheDir: context.cacheDir,
    weights: context.settings.weights,
  });
  const hash = await backboneWeightsHash(located.backbone);
  if (hash !== run.environment.weightsHash) throw new WeightsChangedError(run.id, located.weightsSource, hash, run.environment.weightsHash);
  return located.backbone;
}
