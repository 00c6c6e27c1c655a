import { listSome, TlabError, type TlabErrorCode } from '@tlab/core';

/** The data family: folders, images, downloads and archives a spec points at, and the augmentation drawn on them. */
export class DataError extends TlabError {
  constructor(code: TlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'DataError';
  }
}

const layout = 'one sub-folder of images (.jpg, .jpeg, .png, .webp) per class';

/** A train/validation folder (or the data root it resolves against) is not there. */
export class DataMissingError extends DataError {
  constructor(field: string, folder: string, how: string) {
    super('TLAB_DATA_MISSING', `${field}: folder ${folder} does not exist or is not a folder (${how}); expected a folder with ${layout}`);
    this.name = 'DataMissingError';
  }
}

/** A folder, a class or a whole split has no usable images. */
export class DataEmptyError extends DataError {
  constructor(field: string, folder: string, problem: string) {
    super('TLAB_DATA_EMPTY', `${field}: ${problem} in ${folder}; expected ${layout}`);
    this.name = 'DataEmptyError';
  }
}

export class DataSingleClassError extends DataError {
  constructor(field: string, folder: string, classes: readonly string[]) {
    super(
      'TLAB_DATA_SINGLE_CLASS',
      `${field}: found ${classes.length} class folder (${classes.join(', ')}) in ${folder}; expected at least two, ${layout}`,
    );
    this.name = 'DataSingleClassError';
  }
}

export class DataClassMismatchError extends DataError {
  constructor(trainFolder: string, validationFolder: string, onlyTrain: readonly string[], onlyValidation: readonly string[]) {
    const sides = [
      onlyTrain.length > 0 ? `only in train (${trainFolder}): ${listSome(onlyTrain)}` : '',
      onlyValidation.length > 0 ? `only in validation (${validationFolder}): ${listSome(onlyValidation)}` : '',
    ].filter((side) => side !== '');
    super('TLAB_DATA_CLASS_MISMATCH', `data.validation: class folders differ from data.train; ${sides.join('; ')}; expected the same class folders on both sides`);
    this.name = 'DataClassMismatchError';
  }
}

/** A file that decoded when the dataset was resolved no longer does (changed or removed since). */
export class DataUnreadableError extends DataError {
  constructor(
    file: string,
    /** Why, without the file: what `tlab predict` and `evaluate` list next to it. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('TLAB_DATA_UNREADABLE', `data: image ${file} could not be loaded (${reason}); it decoded when the dataset was resolved, so it changed since`, options);
    this.name = 'DataUnreadableError';
  }
}

export class BuiltinClassError extends DataError {
  constructor(dataset: string, problem: string, available: readonly string[]) {
    super('TLAB_DATA_BUILTIN_CLASS', `data.builtin.classes: ${problem}; expected distinct class names of ${dataset} among ${available.join(', ')}`);
    this.name = 'BuiltinClassError';
  }
}

export class BuiltinCountError extends DataError {
  constructor(dataset: string, requested: number, className: string, available: number) {
    super(
      'TLAB_DATA_BUILTIN_COUNT',
      `data.builtin: train_per_class + validation_per_class = ${requested}, but ${dataset} class ${className} has only ${available} images; expected at most ${available}`,
    );
    this.name = 'BuiltinCountError';
  }
}

/** `data.url` could not be fetched; says where to put the archive by hand on a machine without network. */
export class DataDownloadError extends DataError {
  constructor(url: string, reason: string, cachePath: string, sha256: string, options?: { cause?: unknown }) {
    super(
      'TLAB_DATA_DOWNLOAD',
      `data.url: could not download ${url} (${reason}); without network, fetch it elsewhere and place it at ${cachePath} (expected sha256 ${sha256})`,
      options,
    );
    this.name = 'DataDownloadError';
  }
}

export class DataBadSha256Error extends DataError {
  constructor(url: string, expected: string, actual: string) {
    super(
      'TLAB_DATA_BAD_SHA256',
      `data.sha256: the download of ${url} has sha256 ${actual}, expected ${expected}; the file was removed. Check data.sha256 and data.url`,
    );
    this.name = 'DataBadSha256Error';
  }
}

/** The downloaded archive cannot be unpacked safely. */
export class DataArchiveError extends DataError {
  constructor(archive: string, problem: string) {
    super('TLAB_DATA_ARCHIVE', `data.url: archive ${archive} ${problem}; expected a zip archive of image folders`);
    this.name = 'DataArchiveError';
  }
}

/** A stored run's dataset no longer has the fingerprint it trained on: files were added, removed or changed. */
export class DataChangedError extends DataError {
  constructor(runId: string, where: string, foundFingerprint: string, recordedFingerprint: string) {
    super(
      'TLAB_DATA_CHANGED',
      `run ${runId} trained on a dataset with fingerprint ${recordedFingerprint}, but the data found now (${where}) has ${foundFingerprint}: ` +
        'files were added, removed or changed since; restore them, or point --data-root at the copy the run used',
    );
  }
}

/** `tlab evaluate --data`: the folder's classes are not the run's. */
export class EvaluateClassesError extends DataError {
  constructor(folder: string, runClasses: readonly string[], found: readonly string[]) {
    const missing = runClasses.filter((name) => !found.includes(name));
    const extra = found.filter((name) => !runClasses.includes(name));
    const parts = [missing.length > 0 ? `missing ${listSome(missing)}` : '', extra.length > 0 ? `not in the run: ${listSome(extra)}` : ''].filter((p) => p !== '');
    super('TLAB_EVALUATE_CLASSES', `--data ${folder}: its class folders (${listSome(found) || 'none'}) are not the run's (${listSome(runClasses)}); ${parts.join('; ')}`);
  }
}
