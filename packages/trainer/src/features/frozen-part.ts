import * as tf from '@tensorflow/tfjs';
import type { Backbone, BackboneConfig } from '../backbones/backbone.ts';
import { backboneLayerNames, loadBackbone } from '../backbones/load-backbone.ts';
import { BackboneError } from '../backbones/backbone-errors.ts';

/** The frozen backbone with one output per cutoff a group of variants needs: one pass serves them all. */
export interface FrozenPart {
  /** The backbone cut at the deepest of the cutoffs; its weights are the frozen part's. */
  readonly backbone: Backbone;
  readonly cutoffs: readonly string[];
  /** Inputs [n, h, w, 3] → one output per cutoff, in `cutoffs` order. */
  readonly model: tf.LayersModel;
  readonly featureShapes: Readonly<Record<string, readonly number[]>>;
  dispose(): void;
}

export class CutoffsNotNestedError extends BackboneError {
  constructor(backbone: string, deepest: string, outside: readonly string[]) {
    super('TLAB_CUTOFFS_NOT_NESTED', `backbone ${backbone}: ${outside.join(', ')} do not feed ${deepest}, so one pass cannot compute them together`);
  }
}

/**
 * Builds the frozen part for several cutoffs at once. A cutoff is an earlier output of the same
 * pass (mixed5 feeds mixed7), so the network is cut at the deepest one and the others are tapped
 * on the way; cutoffs on separate branches need separate parts (CutoffsNotNestedError).
 */
export async function loadFrozenPart(config: BackboneConfig, cutoffs: readonly string[], imageSize: [number, number]): Promise<FrozenPart> {
  if (cutoffs.length === 0) throw new RangeError('a frozen part needs at least one cutoff');
  const order = await backboneLayerNames(config, imageSize);
  const unique = [...new Set(cutoffs)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const deepest = unique[unique.length - 1]!;
  const { trainable_from: _, ...frozen } = config;
  const backbone = await loadBackbone({ ...frozen, cutoff: deepest }, imageSize);
  const kept = new Set(backbone.model.layers.map((layer) => layer.name));
  const outside = unique.filter((cutoff) => !kept.has(cutoff));
  if (outside.length > 0) {
    backbone.dispose();
    throw new CutoffsNotNestedError(backbone.name, deepest, outside);
  }
  const outputs = unique.map((cutoff) => backbone.model.getLayer(cutoff).output as tf.SymbolicTensor);
  const model = tf.model({ inputs: backbone.model.inputs, outputs, name: 'frozen_part' });
  const featureShapes = Object.fromEntries(unique.map((cutoff, i) => [cutoff, outputs[i]!.shape.slice(1) as number[]]));
  return { backbone, cutoffs: unique, model, featureShapes, dispose: () => backbone.dispose() };
}
