import { architectureGraph, curatedCutoffs, legacyLayerName, type ArchitectureOptions } from '../architectures/architectures.ts';
import type { ArchitectureName } from '@tlab/core';
import { fitWeights } from '../weights/fit-weights.ts';
import type { WeightsOrigin } from '../weights/weights-origin.ts';
import { WeightsMismatchError } from '../weights/weights-errors.ts';
import type { ModelSource } from './model-source.ts';
import { weightOwner } from './weight-manifest.ts';

/**
 * One of the TypeScript architectures with weights from anywhere (embedded, a Keras file, a tfjs
 * model): the topology comes from the code, the weights are paired with its layers by position.
 */
export function architectureSource(name: ArchitectureName, options: ArchitectureOptions, weights: WeightsOrigin): ModelSource {
  const graph = () => architectureGraph(name, options);
  return {
    label: name,
    file: weights.file,
    curatedCutoffs: curatedCutoffs(name),
    // The weights origin hashes itself (weightsHash below), so nothing is remembered here.
    immutable: false,
    readTopology: async () => (await graph()).modelTopology,
    readModel: async () => {
      const built = await graph();
      const fitted = fitWeights(built, await weights.readLayers(), weights.file, legacyLayerName(name));
      return { modelTopology: built.modelTopology, weightSpecs: fitted.weightSpecs, weightData: fitted.weightData };
    },
    weightsHash: () => weights.hash(),
    checkWeightsCover: async (raw, kept) => {
      const owners = new Set(raw.weightSpecs.map(weightOwner));
      const { weighted } = await graph();
      const missing = weighted.find((layer) => kept.includes(layer.layer) && !owners.has(layer.layer));
      if (missing !== undefined) {
        const last = weighted.filter((layer) => owners.has(layer.layer)).at(-1)?.layer ?? 'none';
        throw new WeightsMismatchError(
          weights.file,
          `it holds weights for ${owners.size} of the ${weighted.length} layers of ${name} (up to '${last}'), and the cut needs '${missing.layer}'; cut earlier or use a complete file`,
        );
      }
    },
  };
}
