import { closestMatch } from '@tlab/core';
import type { BackboneConfig } from './backbone.ts';
import { BadTrainableFromError, UnknownLayerError } from './backbone-errors.ts';
import { ancestorsOf, cleanCutPoints, cuttableLayerNames, type LayerGraph } from './keras-topology.ts';
import type { ModelSource } from './model-source.ts';

/** Which layers survive the cut, and which of them fine-tuning may train. */
export interface CutPlan {
  /** The cutoff and its ancestors, in model order. */
  readonly kept: readonly string[];
  /** `trainable_from` and every kept layer after it; empty when the whole backbone stays frozen. */
  readonly trainable: ReadonlySet<string>;
}

/** A user model's clean cut points can run to hundreds; the deepest are the usual cutoffs. */
const maxListedCutoffs = 40;

/** Validates `cutoff` and `trainable_from` against the topology alone (no weights needed). */
export function planCut(source: ModelSource, graph: LayerGraph, config: Pick<BackboneConfig, 'cutoff' | 'trainable_from'>): CutPlan {
  const names = cuttableLayerNames(graph);
  const unknown = (field: 'cutoff' | 'trainable_from', layer: string) => {
    const listed = source.curatedCutoffs ?? cleanCutPoints(graph).slice(-maxListedCutoffs);
    return new UnknownLayerError({
      backbone: source.label,
      field,
      layer,
      suggestion: closestMatch(layer, names),
      listed,
      others: names.length - listed.length,
    });
  };
  if (!names.includes(config.cutoff)) throw unknown('cutoff', config.cutoff);
  const kept = ancestorsOf(graph, config.cutoff);
  const from = config.trainable_from;
  if (from === undefined) return { kept, trainable: new Set() };
  if (!names.includes(from)) throw unknown('trainable_from', from);
  const start = kept.indexOf(from);
  if (start < 0) {
    const after = names.indexOf(from) > names.indexOf(config.cutoff);
    throw new BadTrainableFromError(source.label, from, config.cutoff, after ? 'after-cutoff' : 'off-path');
  }
  return { kept, trainable: new Set(kept.slice(start)) };
}
