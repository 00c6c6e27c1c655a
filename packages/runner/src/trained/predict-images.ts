import fs from 'node:fs';
import path from 'node:path';
import { TlabError } from '@tlab/core';
import {
  classifyFiles,
  exportClassifier,
  imageExtensions,
  listImageFiles,
  readExportInfo,
  tfjsClassifier,
  type ClassifiedFile,
  type ImageClassifier,
  type Preprocessing,
  type UnreadableFile,
} from '@tlab/trainer';
import { loadRunClassifier, openTrainedRun, startBackend, type StoredRunContext } from './stored-run.ts';

/** A trained model ready to classify: an export folder's or a stored run's. */
export interface LoadedModel {
  /** `export <dir>` or `run <id>`, for headers. */
  readonly source: string;
  readonly labels: readonly string[];
  readonly imageSize: [number, number];
  readonly preprocessing: Preprocessing;
  readonly classifier: ImageClassifier;
}

/** A folder holding metadata.json is an export; anything else names a run in the DB. */
export async function loadModel(target: string, context: StoredRunContext): Promise<LoadedModel> {
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    const info = readExportInfo(target);
    await startBackend(context);
    return { source: `export ${target}`, labels: info.labels, imageSize: info.imageSize, preprocessing: info.preprocessing, classifier: await exportClassifier(info) };
  }
  return loadRunModel(target, context);
}

export async function loadRunModel(runId: string, context: StoredRunContext): Promise<LoadedModel> {
  const trained = await openTrainedRun(runId, context);
  const model = await loadRunClassifier(trained, context);
  return {
    source: `run ${runId}`,
    labels: trained.classes,
    imageSize: trained.imageSize,
    preprocessing: trained.preprocessing,
    classifier: tfjsClassifier(model.model, trained.imageSize, () => model.dispose()),
  };
}

/** Images in the order given; a folder contributes its image files (sub-folders included) in name order. */
export async function expandImageInputs(inputs: readonly string[]): Promise<{ files: string[]; missing: UnreadableFile[] }> {
  const files: string[] = [];
  const missing: UnreadableFile[] = [];
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (stat === undefined) missing.push({ file: input, reason: 'no such file or folder' });
    else if (stat.isDirectory()) files.push(...(await listImageFiles(input)).map((relative) => path.join(input, relative)));
    else files.push(input);
  }
  return { files, missing };
}

/** One image's classes, most probable first. */
export interface RankedPrediction {
  readonly file: string;
  readonly top: ReadonlyArray<{ readonly label: string; readonly probability: number }>;
}

export interface PredictOptions {
  readonly top: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Batches, decodes and preprocesses as training did, and ranks each image's classes; unreadable files are listed. */
export async function predictImages(model: LoadedModel, inputs: readonly string[], options: PredictOptions): Promise<{ predictions: RankedPrediction[]; unreadable: UnreadableFile[] }> {
  const { files, missing } = await expandImageInputs(inputs);
  if (files.length === 0 && missing.length === 0) throw new NoImagesError(inputs);
  const { classified, unreadable } = await classifyFiles(model.classifier, files, {
    imageSize: model.imageSize,
    preprocessing: model.preprocessing,
    batchSize: predictBatchSize,
    classCount: model.labels.length,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { predictions: classified.map((c) => rank(c, model.labels, options.top)), unreadable: [...missing, ...unreadable] };
}

/** Folders given to `tlab predict` that hold no image file: nothing to classify, and nothing unreadable to list. */
export class NoImagesError extends TlabError {
  constructor(inputs: readonly string[]) {
    super('TLAB_NO_IMAGES', `${inputs.join(', ')}: no image files found (expected ${imageExtensions.join(', ')} files, or folders holding them)`);
  }
}

/** Images per forward pass: big enough to keep the engine busy, small enough for 299×299 InceptionV3 on a laptop. */
export const predictBatchSize = 32;

function rank({ file, probabilities }: ClassifiedFile, labels: readonly string[], top: number): RankedPrediction {
  const order = labels.map((label, i) => ({ label, probability: probabilities[i]! })).sort((a, b) => b.probability - a.probability);
  return { file, top: order.slice(0, top) };
}
