import { ArtifactCorruptError } from './artifact-errors.ts';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.ts';

/** Written into each checkpoint's metadata; a reader refuses other formats. */
const checkpointFormat = 'tlab-checkpoint/1';

/** A run's trained weights at one epoch: the head's and any fine-tuned block's, Keras-named (`dense/kernel`). */
export interface Checkpoint {
  readonly epoch: number;
  readonly weights: readonly NamedTensor[];
}

/**
 * A checkpoint as safetensors bytes. Nothing but the weights and the epoch goes in, so the same
 * training gives the same bytes and the same sha256: `tlab reproduce` compares checkpoints by hash.
 * The frozen part is not in it; the run's weights hash names it.
 */
export function encodeCheckpoint({ epoch, weights }: Checkpoint): Uint8Array[] {
  return encodeSafetensors({ tensors: weights, metadata: { format: checkpointFormat, epoch: String(epoch) } });
}

export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const epoch = Number(metadata['epoch']);
  if (metadata['format'] !== checkpointFormat || !Number.isInteger(epoch)) {
    throw new ArtifactCorruptError(file, `its metadata ${JSON.stringify(metadata)} is not a ${checkpointFormat} checkpoint's`);
  }
  return { epoch, weights: tensors };
}
