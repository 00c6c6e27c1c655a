import path from 'node:path';
import { perClassAccuracy, predictedClass } from '@tlab/core';
import { classifyFiles, DataMissingError, EvaluateClassesError, listClassFolders, listImageFiles, type UnreadableFile } from '@tlab/trainer';
import { loadRunModel, predictBatchSize } from './predict-images.ts';
import type { StoredRunContext } from './stored-run.ts';

export interface Evaluation {
  readonly classes: readonly string[];
  readonly images: number;
  readonly correct: number;
  readonly accuracy: number;
  /** Per true class: correct / total, NaN for a class folder without images. */
  readonly perClassAccuracy: readonly number[];
  /** matrix[true][predicted], in the run's class order. */
  readonly matrix: readonly (readonly number[])[];
  readonly unreadable: readonly UnreadableFile[];
}

/**
 * A stored run's model on a new labelled folder (one sub-folder per class, the run's classes),
 * decoded and preprocessed as its validation split was. Images that cannot be decoded are listed
 * and left out of every count.
 */
export async function evaluateRun(runId: string, folder: string, context: StoredRunContext & { readonly onProgress?: (done: number, total: number) => void }): Promise<Evaluation> {
  const found = await listClassFolders(folder);
  if (found === null) throw new DataMissingError('--data', folder, 'tlab evaluate reads it');
  const model = await loadRunModel(runId, context);
  try {
    const classes = model.labels;
    if (found.length !== classes.length || found.some((name, i) => name !== classes[i])) throw new EvaluateClassesError(folder, classes, found);
    const labelled: Array<{ file: string; label: number }> = [];
    for (const [label, name] of classes.entries()) {
      for (const relative of await listImageFiles(path.join(folder, name))) labelled.push({ file: path.join(folder, name, relative), label });
    }
    const { classified, unreadable } = await classifyFiles(model.classifier, labelled.map((l) => l.file), {
      imageSize: model.imageSize,
      preprocessing: model.preprocessing,
      batchSize: predictBatchSize,
      classCount: classes.length,
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    });
    const labelOf = new Map(labelled.map((l) => [l.file, l.label]));
    const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
    for (const { file, probabilities } of classified) matrix[labelOf.get(file)!]![predictedClass(probabilities)]! += 1;
    const correct = matrix.reduce((sum, row, i) => sum + row[i]!, 0);
    return {
      classes,
      images: classified.length,
      correct,
      accuracy: correct / classified.length,
      perClassAccuracy: perClassAccuracy(runId, { classes, matrix }),
      matrix,
      unreadable,
    };
  } finally {
    model.classifier.dispose();
  }
}
