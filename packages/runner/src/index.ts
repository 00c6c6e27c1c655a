export { onnxThreadsPer } from './distributed/onnx-threads.ts';
export { runSweep, type SweepOptions } from './sweep/run-sweep.ts';
export type { PlannedRow, RunHeader, SweepOutcome, SweepReporter } from './sweep/sweep-reporter.ts';
export { defaultRunSettings, resolveRunSettings, type RunSettings, type SettingFlags } from './settings/run-settings.ts';
export { evaluateRun, type Evaluation } from './trained/evaluate-run.ts';
export { exportRun, type ExportRunOptions } from './trained/export-run.ts';
export { loadModel, type LoadedModel, predictImages, type RankedPrediction } from './trained/predict-images.ts';
export { type Reproduction, reproduceRun, type ReproduceOptions } from './trained/reproduce-run.ts';
export { type StoredRunContext } from './trained/stored-run.ts';
