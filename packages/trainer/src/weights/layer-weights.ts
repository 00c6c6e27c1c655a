import type { io } from '@tensorflow/tfjs';
import { BackboneInvalidError } from '../backbones/backbone-errors.ts';
import { ancestorsOf, parseTopology } from '../backbones/keras-topology.ts';
import type { RawModel } from '../backbones/weight-manifest.ts';
import { storedByteLength, weightOwner } from '../backbones/weight-manifest.ts';
import type { StoredLayerWeights } from './keras-weight-file.ts';

/** One stored weight: its spec (as stored, quantization included) and its bytes. */
export interface StoredEntry {
  readonly spec: io.WeightsManifestEntry;
  readonly bytes: Uint8Array;
}

/** A layer that has weights, as a weight file lists it; a file is a list of these in model order. */
export interface SourceLayer {
  readonly layer: string;
  readonly weights: readonly StoredEntry[];
}

/** A Keras file's layers, float32 as read. */
export function layersFromKerasFile(layers: readonly StoredLayerWeights[]): SourceLayer[] {
  return layers.map(({ layer, weights }) => ({
    layer,
    weights: weights.map((weight) => ({
      spec: { name: `${layer}/${weight.name}`, shape: [...weight.shape], dtype: 'float32' },
      bytes: new Uint8Array(weight.values.buffer, weight.values.byteOffset, weight.values.byteLength),
    })),
  }));
}

/**
 * A tfjs LayersModel's weighted layers in the order of its own topology (Keras's `model.layers`,
 * what `load_weights` pairs by), each with its weights in manifest order. Quantized weights stay
 * quantized: tfjs dequantizes them when the model is built. With `upTo`, only that layer and its
 * ancestors count (a model with its own head on top of the base).
 */
export function layersFromTfjsModel(raw: RawModel, file: string, upTo?: string): SourceLayer[] {
  const byOwner = new Map<string, StoredEntry[]>();
  let offset = 0;
  for (const spec of raw.weightSpecs) {
    const length = storedByteLength(spec, file);
    const owner = weightOwner(spec);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), { spec, bytes: raw.weightData.subarray(offset, offset + length) }]);
    offset += length;
  }
  if (offset !== raw.weightData.byteLength) {
    throw new BackboneInvalidError(file, `its weight specs describe ${offset} bytes but its weight files hold ${raw.weightData.byteLength}`);
  }
  const graph = parseTopology(raw.modelTopology, file);
  const order = upTo === undefined ? graph.layers.map((layer) => layer.name) : ancestorsOf(graph, upTo);
  const unplaced = [...byOwner.keys()].find((owner) => !graph.layers.some((layer) => layer.name === owner));
  if (unplaced !== undefined) throw new BackboneInvalidError(file, `weights of '${unplaced}' belong to no top-level layer of its topology`);
  return order.flatMap((layer) => {
    const weights = byOwner.get(layer);
    return weights === undefined ? [] : [{ layer, weights }];
  });
}
