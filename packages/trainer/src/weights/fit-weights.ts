import type { io } from '@tensorflow/tfjs';
import type { ArchitectureGraph } from '../architectures/architectures.ts';
import type { SourceLayer } from './layer-weights.ts';
import { WeightsMismatchError } from './weights-errors.ts';

export interface FittedWeights {
  /** Renamed after the architecture's layers, so tfjs finds them; dtype and quantization as stored. */
  readonly weightSpecs: io.WeightsManifestEntry[];
  readonly weightData: Uint8Array;
  /** The architecture's layers that received weights: all of them, or the first n for a file cut short. */
  readonly covered: ReadonlySet<string>;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Pairs a file's layers with the architecture's as Keras's `load_weights` does for HDF5 files: by
 * position among the layers that have weights, never by name (Keras 2.1 writes `conv2d_1`,
 * tf.keras `conv2d`, and either file loads into either model), checking every shape. A file may
 * stop early — a model saved cut at `mixed8` fits every cutoff up to `mixed8`; loading a layer past
 * its end is refused when the cut is built — but may not hold more layers than the architecture.
 */
export function fitWeights(
  graph: ArchitectureGraph,
  stored: readonly SourceLayer[],
  file: string,
  legacyName?: (layer: string) => string | undefined,
): FittedWeights {
  const expected = graph.weighted;
  const source = legacyName !== undefined && stored.some((layer) => legacyName(layer.layer) !== undefined) ? byLegacyName(graph, stored, file, legacyName) : stored;
  if (source.length > expected.length) {
    throw new WeightsMismatchError(
      file,
      `it holds ${source.length} layers with weights and the architecture ${expected.length}; the first left over is '${source[expected.length]!.layer}'`,
    );
  }
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  source.forEach((stored, index) => {
    const target = expected[index]!;
    const where = `layer #${index + 1} with weights, '${target.layer}' (the file's '${stored.layer}')`;
    if (stored.weights.length !== target.weights.length) {
      throw new WeightsMismatchError(file, `${where} has ${target.weights.length} weights and the file ${stored.weights.length}`);
    }
    stored.weights.forEach((weight, j) => {
      const want = target.weights[j]!;
      if (weight.spec.shape.length !== want.shape.length || weight.spec.shape.some((dim, d) => dim !== want.shape[d])) {
        throw new WeightsMismatchError(file, `${where}: '${want.name}' has shape ${shapeText(want.shape)}, the file's '${weight.spec.name}' ${shapeText(weight.spec.shape)}`);
      }
      weightSpecs.push({ ...weight.spec, name: want.name });
      parts.push(weight.bytes);
    });
  });
  const weightData = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    weightData.set(part, offset);
    offset += part.byteLength;
  }
  return { weightSpecs, weightData, covered: new Set(expected.slice(0, source.length).map((layer) => layer.layer)) };
}

/**
 * A file in an older Keras naming whose layer order differs from today's (Keras 2.2.4's ResNet50):
 * its layers renamed and put in the architecture's order, so the positional pairing below still
 * checks every shape. Layers the naming does not cover are the file's classifier top and are left out.
 */
function byLegacyName(graph: ArchitectureGraph, stored: readonly SourceLayer[], file: string, legacyName: (layer: string) => string | undefined): SourceLayer[] {
  const position = new Map(graph.weighted.map((layer, index) => [layer.layer, index]));
  const renamed = stored.flatMap((layer) => {
    const name = legacyName(layer.layer);
    if (name === undefined) return [];
    if (!position.has(name)) throw new WeightsMismatchError(file, `its layer '${layer.layer}' would be '${name}', which the architecture does not have`);
    return [{ ...layer, at: position.get(name)! }];
  });
  return renamed.sort((a, b) => a.at - b.at).map(({ at: _at, ...layer }) => layer);
}
