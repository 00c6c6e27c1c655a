import fs from 'node:fs';
import path from 'node:path';
import { ExportInvalidError, preprocessingModes, type PreprocessingMode } from '@tlab/core';
import type { Preprocessing } from '../data/preprocessing.ts';
import type { ExportFormat } from '../options/export-formats.ts';
import { exportFiles } from './write-export.ts';

/**
 * `metadata.json` of an export. The first fields are Teachable Machine's (labels in output order,
 * imageSize), so code written for its exports finds what it looks for; the rest say how to feed
 * the model and where it came from.
 */
export interface ExportMetadata {
  readonly modelName: string;
  readonly labels: readonly string[];
  /** Teachable Machine gives one side; a non-square input gives [height, width]. */
  readonly imageSize: number | readonly [number, number];
  readonly packageName: string;
  readonly tfjsVersion: string;
  readonly format: ExportFormat;
  /** tfjs: [n, height, width, 3]; ONNX: [n, 3, height, width]. */
  readonly inputLayout: 'NHWC' | 'NCHW';
  /** How 0–255 RGB pixels become the input, as Keras's preprocess_input modes (`rescale`: × factor). */
  readonly preprocessing: Preprocessing;
  readonly runId: string;
  readonly experiment: string;
  readonly specHash: string | null;
  readonly seed: number;
  readonly config: object;
  readonly weightsSource: string | null;
  readonly weightsHash: string;
  readonly datasetFingerprint: string;
  readonly checkpoint: { readonly epoch: number; readonly sha256: string };
  readonly metrics: Readonly<Record<string, number>>;
}

/** What prediction needs from an export, read and checked from its metadata.json. */
export interface ExportInfo {
  readonly dir: string;
  readonly format: ExportFormat;
  readonly labels: readonly string[];
  readonly imageSize: [number, number];
  readonly preprocessing: Preprocessing;
  readonly runId: string;
}

export function readExportInfo(dir: string): ExportInfo {
  const file = path.join(dir, exportFiles.metadata);
  if (!fs.existsSync(file)) throw new ExportInvalidError(file, 'there is no metadata.json');
  let json: Partial<ExportMetadata>;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ExportMetadata>;
  } catch (error) {
    throw new ExportInvalidError(file, `it is not JSON (${(error as Error).message})`);
  }
  const bad = (field: string, expected: string) => new ExportInvalidError(file, `field \`${field}\` is ${JSON.stringify(json[field as keyof ExportMetadata]) ?? 'missing'}; expected ${expected}`);
  if (!Array.isArray(json.labels) || json.labels.length < 2 || !json.labels.every((l) => typeof l === 'string')) throw bad('labels', 'two or more class names');
  const size = typeof json.imageSize === 'number' ? [json.imageSize, json.imageSize] : json.imageSize;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((s) => Number.isInteger(s) && s > 0)) throw bad('imageSize', 'a side in pixels or [height, width]');
  const mode = json.preprocessing?.mode;
  if (!preprocessingModes.includes(mode as PreprocessingMode) || typeof json.preprocessing?.rescale !== 'number') {
    throw bad('preprocessing', `{ mode: one of ${preprocessingModes.join(', ')}, rescale: a number }`);
  }
  if (json.format !== 'tfjs' && json.format !== 'onnx') throw bad('format', 'tfjs or onnx');
  const model = path.join(dir, json.format === 'onnx' ? exportFiles.onnx : exportFiles.modelJson);
  if (!fs.existsSync(model)) throw new ExportInvalidError(model, `metadata.json says format ${json.format}, but the file is not there`);
  return { dir, format: json.format, labels: json.labels, imageSize: size as [number, number], preprocessing: json.preprocessing!, runId: String(json.runId ?? '') };
}
