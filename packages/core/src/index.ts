export { ArtifactCorruptError, ArtifactError, ArtifactMissingError, ArtifactStoreFullError, ExportInvalidError, NoCheckpointError } from './artifacts/artifact-errors.ts';
export { type ArtifactRef, artifactsDirOf, ArtifactStore, type StoredArtifact } from './artifacts/artifact-store.ts';
export { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from './artifacts/checkpoint.ts';
export { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsContent } from './artifacts/safetensors.ts';
export { errorCodes, type SpecProblemCode, specProblemCodes, type TlabErrorCode } from './errors/error-codes.ts';
export { exitOnUncaught, failureReport, InternalError, wantsStack } from './errors/failure-report.ts';
export { atFatalExit, runFatalExitCleanups } from './errors/fatal-exit.ts';
export { isTlabError, TlabError } from './errors/tlab-error.ts';
export { armFault, faultPoint, type FaultPoint, faultPoints } from './faults/fault-point.ts';
export {
  bestEpochIndex,
  bestEpochKey,
  bestKey,
  defaultMetric,
  experimentMetric,
  type ExperimentMetric,
  finalKey,
  historyMetrics,
  improves,
  kerasAutoGoal,
  type MetricGoal,
  type MetricName,
  type MetricSpec,
  metricValue,
  predictedClass,
  type RunTimings,
  timingKeys,
  timingMetrics,
} from './metrics/run-metrics.ts';
export { classMetrics, type ClassMetrics } from './metrics/class-metrics.ts';
export { createRandom, deriveSeed, type Random, shuffledIndices } from './random/seeded-random.ts';
export { type ArchitectureName, architectureNames } from './spec/architecture-names.ts';
export { canonicalJson } from './text/canonical-json.ts';
export { isAugmenting, samplesPerEpoch, uncachedFeatureImages } from './spec/epoch-samples.ts';
export { specFacts, type SpecFacts, variantBase } from './spec/spec-facts.ts';
export { escapeControlCharacters } from './text/control-characters.ts';
export { notRegularFile } from './files/regular-file.ts';
export { listSome } from './text/list-some.ts';
export { closestMatch } from './text/did-you-mean.ts';
export { toCsv } from './text/csv.ts';
export { formatBytes } from './text/format-bytes.ts';
export { formatValue } from './text/format-value.ts';
export { specJsonSchema, specJsonSchemaFile, specJsonSchemaText } from './spec/json-schema.ts';
export { type LoadedSpec, loadSpec, maxSpecBytes, parseSpec, type SpecOptions } from './spec/load-spec.ts';
export { resolveConfig } from './spec/resolve-config.ts';
export { type PathSegment } from './spec/schema-path.ts';
export {
  type AugmentConfig,
  augmentObjectSchema,
  type AugmentPresetName,
  augmentPresetNames,
  augmentPresets,
  type BackboneName,
  backboneNames,
  builtinDatasetNames,
  checkpointPolicy,
  type CheckpointPolicy,
  embeddedBackbones,
  fillModes,
  maxDescriptionLength,
  maxVariants,
  type PreprocessingMode,
  preprocessingModes,
  type ResolvedConfig,
  type Spec,
  type SpecInput,
  specSchema,
  type SweepParameter,
  sweepParameterSchema,
  type VariantConfig,
  variantConfigSchema,
} from './spec/schema.ts';
export { formatSpecProblem, SpecError, type SpecLocation, type SpecProblem } from './spec/spec-error.ts';
export { type LocateSpecPath } from './spec/spec-locator.ts';
export { binomialCdf, signTestP } from './statistics/binomial-distribution.ts';
export { chiSquareSf } from './statistics/chi-square-distribution.ts';
export { type ConfidenceInterval, tInterval } from './statistics/confidence-interval.ts';
export { effectVerdict, type EffectVerdict, type PairedComparison, type VerdictOptions } from './statistics/effect-verdict.ts';
export {
  type EffectRun,
  type FactorEffect,
  factorEffects,
  type FactorEffectsInput,
  type LevelComparison,
  type LevelEffect,
  type PairedTestName,
} from './statistics/factor-effects.ts';
export { holm } from './statistics/holm.ts';
export { mcnemar, type McNemarOptions, type McNemarTest } from './statistics/mcnemar.ts';
export { normalCdf } from './statistics/normal-distribution.ts';
export { pairedTTest, type PairedTTest } from './statistics/paired-t-test.ts';
export { studentTCdf, studentTQuantile } from './statistics/student-t-distribution.ts';
export { type ConfidenceOptions, type SampleSummary, summarize } from './statistics/summarize.ts';
export { wilcoxonSignedRank, type WilcoxonSignedRank } from './statistics/wilcoxon-signed-rank.ts';
export { type LevelStats, type PairStats } from './store/ablation-query.ts';
export { inspectStore, type StoreHealth } from './store/inspect-store.ts';
export {
  type FilterOperator,
  filterOperators,
  type LeaderboardColumn,
  type LeaderboardFilter,
  type LeaderboardFixedColumn,
  leaderboardFixedColumns,
  type LeaderboardMember,
  type LeaderboardQuery,
  type LeaderboardResult,
  type LeaderboardRow,
  metricColumn,
  metricKeyOf,
  type MetricSummary,
} from './store/leaderboard-query.ts';
export { openStore, type OpenStoreOptions } from './store/open-store.ts';
export { type RunMetricRow, type RunMetrics, type RunMetricsQuery } from './store/parallel-query.ts';
export { type FinishedRun, type ProgressLimits, type RunCurve, type RunningRun, type SweepProgress } from './store/progress-query.ts';
export { type ExperimentRecord, openResultsReader, type ResultsReader } from './store/results-reader.ts';
export {
  ConfusionShapeError,
  DbBusyError,
  DbCorruptError,
  DbForeignError,
  DbFullError,
  DbNewerSchemaError,
  DbNotFoundError,
  DbNotSqliteError,
  DbOlderSchemaError,
  DbReadonlyError,
  DbUnreadableError,
  ExperimentNotFoundError,
  LeaseLostError,
  RunIdConflictError,
  RunNotFoundError,
  RunWrongStatusError,
  StoreError,
} from './store/store-errors.ts';
export { isDiskFull } from './store/disk-full.ts';
export { FolderUnusableError, prepareFolderFor } from './store/writable-file.ts';
export { perClassAccuracy } from './store/per-class-accuracy.ts';
export { sampleStd } from './store/sample-statistics.ts';
export {
  type Confusion,
  type EpochProgress,
  type EpochRecord,
  type ExperimentInput,
  type ExperimentSummary,
  type HostInfo,
  type RunConfusion,
  type RunEnvironment,
  type RunResult,
  type RunRow,
  type RunStatus,
  runStatuses,
  type SamplePrediction,
  type SpecVersion,
  type Store,
  type StoredPrediction,
  type StoreReader,
  type SummaryOptions,
  type VariantInput,
} from './store/store-types.ts';
export { expandSweep, type PlannedVariant, type SweepPlan } from './sweep/expand-sweep.ts';
export { variantId, type VariantIdentity } from './sweep/variant-id.ts';
