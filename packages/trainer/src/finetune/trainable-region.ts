import type { LayerGraph } from '../backbones/keras-topology.ts';
import type { TrainableFromChoice } from './finetune-errors.ts';

/** How many block starts an error lists; the ones nearest the cutoff are the useful ones. */
const maxListedChoices = 12;

/**
 * For every layer of `kept` (the cutoff and its ancestors, in model order) that training could
 * start from: the frozen layers that the part from it up to the cutoff reads. Model order is
 * topological, so one backward sweep grows the part a layer at a time.
 */
export function frozenInputsByStart(graph: LayerGraph, kept: readonly string[]): Map<string, string[]> {
  const byName = new Map(graph.layers.map((layer) => [layer.name, layer]));
  const position = new Map(kept.map((name, index) => [name, index]));
  const frozenInputs = new Set<string>();
  const result = new Map<string, string[]>();
  for (let index = kept.length - 1; index >= 0; index--) {
    const layer = byName.get(kept[index]!)!;
    if (layer.inputs.length === 0) continue;
    frozenInputs.delete(layer.name);
    for (const input of layer.inputs) frozenInputs.add(input);
    result.set(layer.name, [...frozenInputs].sort((a, b) => position.get(a)! - position.get(b)!));
  }
  return result;
}

/** Starts whose part reads exactly one frozen layer, in model order. */
export function validStarts(inputsByStart: ReadonlyMap<string, readonly string[]>, kept: readonly string[]): TrainableFromChoice[] {
  return kept.flatMap((layer) => {
    const inputs = inputsByStart.get(layer);
    return inputs?.length === 1 ? [{ layer, boundary: inputs[0]! }] : [];
  });
}

/**
 * The starts worth suggesting: right after a block output (`blockOutputs`, e.g. mixed0…mixed10),
 * the deepest last, since fine-tuning usually trains only the top blocks.
 */
export function blockStarts(valid: readonly TrainableFromChoice[], blockOutputs: readonly string[]): TrainableFromChoice[] {
  const outputs = new Set(blockOutputs);
  return valid.filter((choice) => outputs.has(choice.boundary)).slice(-maxListedChoices);
}

/** The valid start closest to `layer`: the first at or after it, else the last before it. */
export function nearestStart(valid: readonly TrainableFromChoice[], kept: readonly string[], layer: string): TrainableFromChoice | undefined {
  const at = kept.indexOf(layer);
  const after = valid.find((choice) => kept.indexOf(choice.layer) >= at);
  return after ?? valid[valid.length - 1];
}
