/**
 * `@tlab/trainer/options`: the names of the trainer's choices and their parsers, and the error a
 * stopped run throws, without loading tfjs, ONNX Runtime or sharp. What a command line needs
 * before it knows it will train: importing the full entry took 1.0–1.1 s here.
 */
export { type BackendName, backendNames, parseBackendName } from './backend-names.ts';
export { type ExportFormat, exportFormats } from './export-formats.ts';
export { defaultFeaturePrecision, type FeaturePrecision, featurePrecisions } from './feature-precisions.ts';
export { type FrozenEngine, FrozenEngineError, frozenEngines, parseFrozenEngine } from './frozen-engines.ts';
export { RunInterruptedError } from '../train/train-errors.ts';
