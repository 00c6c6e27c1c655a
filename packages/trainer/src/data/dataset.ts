/** One image file of a split, with its class index into `Dataset.classes`. */
export interface DatasetItem {
  readonly path: string;
  readonly label: number;
  /** sha256 (hex) of the file's bytes: what cached features of this image are keyed by. */
  readonly sha256: string;
}

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

export interface Dataset {
  /** Class names in sorted order; label i means classes[i]. */
  readonly classes: readonly string[];
  readonly train: readonly DatasetItem[];
  readonly validation: readonly DatasetItem[];
  /** sha256 (hex) over relative paths, sizes and contents of every used file; part of every variant id. */
  readonly fingerprint: string;
  /** Files with an image extension that could not be decoded: listed, counted on the run, never trained on. */
  readonly skipped: readonly SkippedFile[];
}

/** A batch of decoded images: NHWC float32 pixels already preprocessed (`data.preprocessing`). */
export interface ImageBatch {
  readonly pixels: Float32Array;
  readonly labels: Int32Array;
  readonly size: number;
}
