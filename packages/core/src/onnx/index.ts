export { convertToOnnx, onnxInputName } from './convert-to-onnx.ts';
export * from './onnx-errors.ts';
export type { OnnxFeatureExtractor, OnnxFeatureExtractorOptions, OnnxFeatures } from './onnx-feature-extractor.ts';
export { createOnnxFeatureExtractor } from './onnx-feature-extractor.ts';
export { onnxBackboneFile } from './onnx-backbone-file.ts';
