import type { io } from '@tensorflow/tfjs';
import { BackboneInvalidError } from './backbone-errors.ts';

/** A model exactly as stored: topology JSON, weight specs, and the shards' bytes concatenated. */
export interface RawModel {
  readonly modelTopology: unknown;
  readonly weightSpecs: readonly io.WeightsManifestEntry[];
  /** Still quantized when the specs say so; tfjs dequantizes while loading. */
  readonly weightData: Uint8Array;
}

/** Bytes per element as stored, which for quantized weights is the quantized type's size. */
const storedBytes: Record<string, number> = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1, bool: 1 };

/** The layer a weight belongs to: Keras and tfjs name weights `<layer>/<weight>`. */
export function weightOwner(spec: io.WeightsManifestEntry): string {
  return spec.name.split('/', 1)[0]!;
}

/**
 * The specs and bytes of only the weights owned by `keptLayers`, so the pruned-away layers'
 * weights are never turned into tensors. Every weight must belong to a top-level layer: a nested
 * model's weights are named after its inner layers, which pruning cannot place.
 */
export function sliceWeights(
  raw: RawModel,
  layerNames: ReadonlySet<string>,
  keptLayers: ReadonlySet<string>,
  file: string,
): { weightSpecs: io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const kept: Array<{ spec: io.WeightsManifestEntry; offset: number; length: number }> = [];
  let offset = 0;
  for (const spec of raw.weightSpecs) {
    const owner = weightOwner(spec);
    if (!layerNames.has(owner)) {
      throw new BackboneInvalidError(
        file,
        `weight '${spec.name}' does not belong to any top-level layer (nested models are not supported as backbones; save the inner model on its own)`,
      );
    }
    const length = storedByteLength(spec, file);
    if (keptLayers.has(owner)) kept.push({ spec, offset, length });
    offset += length;
  }
  if (offset !== raw.weightData.byteLength) {
    throw new BackboneInvalidError(file, `its weight specs describe ${offset} bytes but its weight files hold ${raw.weightData.byteLength}`);
  }
  const weightData = new Uint8Array(kept.reduce((sum, weight) => sum + weight.length, 0));
  let written = 0;
  for (const weight of kept) {
    weightData.set(raw.weightData.subarray(weight.offset, weight.offset + weight.length), written);
    written += weight.length;
  }
  return { weightSpecs: kept.map((weight) => weight.spec), weightData: weightData.buffer };
}

export function storedByteLength(spec: io.WeightsManifestEntry, file: string): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = storedBytes[dtype];
  if (bytes === undefined) throw new BackboneInvalidError(file, `weight '${spec.name}' has unsupported dtype ${dtype}`);
  return bytes * spec.shape.reduce((product, dim) => product * dim, 1);
}
