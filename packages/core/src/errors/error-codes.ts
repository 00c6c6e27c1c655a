/**
 * Every code a `TlabError` can carry; each is documented in the README's error table. Scripts and
 * tests branch on these, never on message text.
 */
/** The codes a problem in a spec can carry; a SpecError reports all of a spec's problems at once. */
export const specProblemCodes = [
  'TLAB_SPEC_NOT_FOUND',
  'TLAB_SPEC_YAML',
  'TLAB_SPEC_TOO_LARGE',
  'TLAB_SPEC_INVALID',
  'TLAB_SPEC_UNKNOWN_KEY',
  'TLAB_SPEC_BAD_OVERRIDE',
  'TLAB_SWEEP_UNKNOWN_PATH',
  'TLAB_SWEEP_TOO_LARGE',
] as const;
export type SpecProblemCode = (typeof specProblemCodes)[number];

export const errorCodes = [
  // a failure no check foresaw: a bug
  'TLAB_INTERNAL',
  // tlab's own modules cannot load (written by bin/tlab.js, which cannot rely on them)
  'TLAB_INSTALL_BROKEN',
  // usage and spec
  'TLAB_USAGE',
  ...specProblemCodes,
  'TLAB_UNKNOWN_VARIANT',
  'TLAB_FOLDER_UNUSABLE',
  // backbones and weights
  'TLAB_UNKNOWN_LAYER',
  'TLAB_BAD_TRAINABLE_FROM',
  'TLAB_BACKBONE_NOT_FOUND',
  'TLAB_BACKBONE_INVALID',
  'TLAB_IMAGE_TOO_SMALL',
  'TLAB_WEIGHTS_MISSING',
  'TLAB_WEIGHTS_NOT_FOUND',
  'TLAB_WEIGHTS_INVALID',
  'TLAB_WEIGHTS_MISMATCH',
  'TLAB_WEIGHTS_CHANGED',
  'TLAB_CUTOFFS_NOT_NESTED',
  'TLAB_TRAINABLE_FROM_SPLIT',
  'TLAB_FINETUNE_UNSUPPORTED',
  // data
  'TLAB_DATA_MISSING',
  'TLAB_DATA_EMPTY',
  'TLAB_DATA_SINGLE_CLASS',
  'TLAB_DATA_CLASS_MISMATCH',
  'TLAB_DATA_UNREADABLE',
  'TLAB_DATA_BUILTIN_CLASS',
  'TLAB_DATA_BUILTIN_COUNT',
  'TLAB_DATA_DOWNLOAD',
  'TLAB_DATA_BAD_SHA256',
  'TLAB_DATA_ARCHIVE',
  'TLAB_DATA_CHANGED',
  'TLAB_EVALUATE_CLASSES',
  'TLAB_AUGMENT_RANGE',
  // engines and training
  'TLAB_BACKEND_UNAVAILABLE',
  'TLAB_FROZEN_ENGINE',
  'TLAB_ONNX_UNSUPPORTED_LAYER',
  'TLAB_ONNX_UNKNOWN_OUTPUT',
  'TLAB_ONNX_RUNTIME_FAILED',
  'TLAB_NON_FINITE_LOSS',
  'TLAB_HEAD_TOO_LARGE',
  'TLAB_CACHE_FULL',
  'TLAB_INTERRUPTED',
  // the results store
  'TLAB_DB_NOT_SQLITE',
  'TLAB_DB_FOREIGN',
  'TLAB_DB_NEWER_SCHEMA',
  'TLAB_DB_OLDER_SCHEMA',
  'TLAB_DB_NOT_FOUND',
  'TLAB_DB_READONLY',
  'TLAB_DB_UNREADABLE',
  'TLAB_DB_CORRUPT',
  'TLAB_DB_FULL',
  'TLAB_DB_BUSY',
  'TLAB_LEASE_LOST',
  'TLAB_RUN_NOT_FOUND',
  'TLAB_EXPERIMENT_NOT_FOUND',
  'TLAB_RUN_WRONG_STATUS',
  'TLAB_RUN_ID_CONFLICT',
  'TLAB_CONFUSION_SHAPE',
  // the tracker UI's server
  'TLAB_PORT_IN_USE',
  'TLAB_LISTEN_FAILED',
  // trained models and their artifacts
  'TLAB_ARTIFACT_CORRUPT',
  'TLAB_ARTIFACT_MISSING',
  'TLAB_ARTIFACT_FULL',
  'TLAB_NO_CHECKPOINT',
  'TLAB_EXPORT_INVALID',
  'TLAB_NO_IMAGES',
  // worker processes and the queue
  'TLAB_WORKER_FAILED',
  'TLAB_QUEUE_URL',
  'TLAB_QUEUE_UNREACHABLE',
  'TLAB_QUEUE_MISMATCH',
  'TLAB_CHECKPOINT_TOO_LARGE',
] as const;
export type TlabErrorCode = (typeof errorCodes)[number];
