import fs from 'node:fs';
import path from 'node:path';
import { prepareFolderFor } from '@tlab/core';
import { libraryVersions, writeExport, type ExportFormat, type ExportMetadata } from '@tlab/trainer';
import { loadRunClassifier, openTrainedRun, type StoredRunContext, type TrainedRun } from './stored-run.ts';

export interface ExportRunOptions extends StoredRunContext {
  readonly runId: string;
  readonly out: string;
  readonly format: ExportFormat;
}

/**
 * Writes one stored run as one self-contained model — the frozen backbone up to the cutoff plus
 * the trained head, checkpoint loaded — in Teachable Machine's layout, so tfjs code that loads its
 * exports loads this one. Returns the files written.
 */
export async function exportRun(options: ExportRunOptions): Promise<string[]> {
  const created = !fs.existsSync(options.out);
  // Before the model is built (seconds): a file in the way once ended in a raw EEXIST.
  prepareFolderFor('--out', options.out, 'hold the export');
  try {
    const trained = await openTrainedRun(options.runId, options);
    const classifier = await loadRunClassifier(trained, options);
    try {
      return await writeExport(classifier.model, path.resolve(options.out), options.format, exportMetadata(trained, options.format));
    } finally {
      classifier.dispose();
    }
  } catch (error) {
    // A refused export leaves no folder behind that looks like one (a half-written one included).
    if (created) fs.rmSync(options.out, { recursive: true, force: true });
    throw error;
  }
}

function exportMetadata(trained: TrainedRun, format: ExportFormat): ExportMetadata {
  const { run, imageSize } = trained;
  return {
    modelName: `${trained.experiment}-${run.id}`,
    labels: trained.classes,
    imageSize: imageSize[0] === imageSize[1] ? imageSize[0] : imageSize,
    packageName: '@tlab/runner',
    tfjsVersion: libraryVersions()['tfjs'] ?? 'unknown',
    format,
    inputLayout: format === 'onnx' ? 'NCHW' : 'NHWC',
    preprocessing: trained.preprocessing,
    runId: run.id,
    experiment: trained.experiment,
    specHash: trained.specVersion?.specHash ?? null,
    seed: run.seed,
    config: run.config,
    weightsSource: run.environment.weightsSource,
    weightsHash: run.environment.weightsHash,
    datasetFingerprint: run.environment.datasetFingerprint,
    checkpoint: { epoch: trained.checkpoint.epoch, sha256: trained.checkpointRef.sha256 },
    metrics: trained.metrics,
  };
}
