export {
  BackboneError,
  BackboneInvalidError,
  BackboneNotFoundError,
  BadTrainableFromError,
  ImageTooSmallError,
  type UnknownLayerDetails,
  UnknownLayerError,
  WeightsChangedError,
} from './backbones/backbone-errors.ts';
export { type Backbone, type BackboneConfig } from './backbones/backbone.ts';
export { type BackboneCheck, backboneLayerNames, backboneWeightsHash, loadBackbone, validateBackboneConfig } from './backbones/load-backbone.ts';
export {
  BuiltinClassError,
  BuiltinCountError,
  DataArchiveError,
  DataBadSha256Error,
  DataChangedError,
  DataClassMismatchError,
  DataDownloadError,
  DataEmptyError,
  DataError,
  DataMissingError,
  DataSingleClassError,
  DataUnreadableError,
  EvaluateClassesError,
} from './data/data-errors.ts';
export { type Dataset, type DatasetItem, type ImageBatch, type SkippedFile } from './data/dataset.ts';
export { maxImagePixels } from './data/decode-image.ts';
export { imageExtensions, listClassFolders, listImageFiles } from './data/image-files.ts';
export { loadImageBatch, type LoadImageBatchOptions } from './data/load-image-batch.ts';
export { type Preprocessing, preprocessingOf } from './data/preprocessing.ts';
export { resolveDataset, type ResolveDatasetOptions } from './data/resolve-dataset.ts';
export { BackendUnavailableError, EngineError } from './engine/engine-error.ts';
export { libraryVersions } from './engine/library-versions.ts';
export { type EngineInfo, selectBackend, type SelectBackendOptions } from './engine/select-backend.ts';
export {
  defaultFeatureCacheBudgetBytes,
  FeatureCache,
  FeatureCacheFullError,
  type FeatureCacheOptions,
  type FeatureCacheStats,
} from './features/feature-cache.ts';
export {
  createFeatureProvider,
  type FeatureProvider,
  type FeatureProviderOptions,
  type FeatureRequest,
  type LoadImageBatch,
} from './features/feature-provider.ts';
export { createFrozenExtractor, openConvertedFrozenPart, type FrozenExtractor, type FrozenExtractorOptions } from './features/frozen-extractor.ts';
export { CutoffsNotNestedError, type FrozenPart, loadFrozenPart } from './features/frozen-part.ts';
export {
  FinetuneUnsupportedError,
  type TrainableFromChoice,
  type TrainableFromSplitDetails,
  TrainableFromSplitError,
} from './finetune/finetune-errors.ts';
export { FrozenBatchNorm } from './finetune/frozen-batch-norm.ts';
export {
  loadTrainableBlock,
  planTrainableBlock,
  type TrainableBlock,
  type TrainableBlockPlan,
  trainableFromSuggestions,
} from './finetune/load-trainable-block.ts';
export { buildHead, type HeadOptions } from './model/build-head.ts';
export { checkHeadSize, HeadTooLargeError } from './model/head-size.ts';
export { convertToOnnx, onnxInputName } from './onnx/convert-to-onnx.ts';
export { onnxBackboneFile } from './onnx/onnx-backbone-file.ts';
export { OnnxOutputNotFoundError, OnnxRuntimeError, UnsupportedLayerError } from './onnx/onnx-errors.ts';
export {
  createOnnxFeatureExtractor,
  type OnnxFeatureExtractor,
  type OnnxFeatureExtractorOptions,
  type OnnxFeatures,
} from './onnx/onnx-feature-extractor.ts';
// The light entry's exports (`@tlab/trainer/options`), here too so that one import serves a module that trains.
export {
  type BackendName,
  backendNames,
  defaultFeaturePrecision,
  type ExportFormat,
  exportFormats,
  type FeaturePrecision,
  featurePrecisions,
  type FrozenEngine,
  FrozenEngineError,
  frozenEngines,
  parseBackendName,
  parseFrozenEngine,
} from './options/index.ts';
export { type EpochMetrics } from './train/epoch-metrics.ts';
export { NonFiniteLossError, RunInterruptedError } from './train/train-errors.ts';
export { type TrainProgress, type TrainResult, trainVariant, type TrainVariantInput } from './train/train-variant.ts';
export { type Classifier, type ClassifierInput, loadClassifier } from './trained-model/classifier.ts';
export { type ClassifiedFile, classifyFiles, type ClassifyFilesOptions, type UnreadableFile } from './trained-model/classify-files.ts';
export { type ExportInfo, type ExportMetadata, readExportInfo } from './trained-model/export-metadata.ts';
export { exportClassifier, type ImageClassifier, tfjsClassifier } from './trained-model/image-classifier.ts';
export { exportFiles, writeExport } from './trained-model/write-export.ts';
export { type KerasWeightFile, readKerasWeightFile, type StoredLayerWeights, type StoredWeight } from './weights/keras-weight-file.ts';
export { locateBackbone, type LocateContext, type LocatedBackbone, type WeightsSettings } from './weights/locate-backbone.ts';
export { WeightsInvalidError, WeightsMismatchError, WeightsMissingError, WeightsNotFoundError } from './weights/weights-errors.ts';
