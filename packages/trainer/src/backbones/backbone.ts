import type * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@tlab/core';

/** A pretrained network cut at a named layer, ready to turn images into features. */
export interface Backbone {
  /** `inception_v3`, `mobilenet_v2`, `tiny_cnn`, or the model.json path for a user's own model. */
  readonly name: string;
  readonly cutoff: string;
  /** Input [null, height, width, 3] (pixels already rescaled) → output of `cutoff`. Frozen. */
  readonly model: tf.LayersModel;
  /** Output shape of `cutoff` without the batch dimension, e.g. [7, 7, 768]. */
  readonly featureShape: readonly number[];
  /** sha256 (hex) of the weight bytes the model was built from; part of every variant id. */
  readonly weightsHash: string;
  dispose(): void;
}

export type BackboneConfig = ResolvedConfig['backbone'];
