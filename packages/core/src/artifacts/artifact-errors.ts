import type { TlabErrorCode } from '../errors/error-codes.ts';
import { TlabError } from '../errors/tlab-error.ts';

/** The artifact family: checkpoints and exported models, the files that keep what was trained. */
export class ArtifactError extends TlabError {
  constructor(code: TlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ArtifactError';
  }
}

/** A stored artifact's bytes no longer match its hash, or do not parse. */
export class ArtifactCorruptError extends ArtifactError {
  constructor(file: string, detail: string) {
    super('TLAB_ARTIFACT_CORRUPT', `artifact ${file} is damaged: ${detail}. Run \`tlab doctor\` to list damaged artifacts; retrain the run (\`tlab reproduce\`) to write it again`);
  }
}

/** A run references an artifact that is not in the artifact folder. */
export class ArtifactMissingError extends ArtifactError {
  constructor(file: string, what: string) {
    super('TLAB_ARTIFACT_MISSING', `${what}: ${file} does not exist (was the artifact folder moved or cleaned by hand?). Artifacts live next to the results DB; retrain the run to write it again`);
  }
}

/** The disk (or the file size limit) under the artifact folder filled up while an artifact was written. */
export class ArtifactStoreFullError extends ArtifactError {
  constructor(dir: string, bytes: number, options?: { cause?: unknown }) {
    super(
      'TLAB_ARTIFACT_FULL',
      `artifact folder ${dir}: the disk (or the file size limit) is full, so a ${(bytes / 1024 ** 2).toFixed(1)} MB checkpoint cannot be stored; nothing was left under its name. ` +
        'Free space there (`tlab runs gc` deletes the files no run references), or set train.checkpoint: none to keep no weights',
      options,
    );
  }
}

/** A run kept no trained weights: not finished, `train.checkpoint: none`, or trained before checkpoints existed. */
export class NoCheckpointError extends ArtifactError {
  constructor(runId: string, why: string) {
    super('TLAB_NO_CHECKPOINT', `run ${runId} has no checkpoint: ${why}. Train it with train.checkpoint: best (the default) — \`tlab reproduce ${runId}\` retrains a run`);
  }
}

/** An export folder (for `tlab predict`) lacks a file or holds one Transfer Lab did not write. */
export class ExportInvalidError extends ArtifactError {
  constructor(file: string, detail: string) {
    super('TLAB_EXPORT_INVALID', `${file}: ${detail}; expected a folder written by \`tlab export\` (metadata.json with model.json + weights.bin, or model.onnx)`);
  }
}
