import { createHash } from 'node:crypto';
import { remembered } from '../memo/remembered.ts';
import type { ModelSource } from './model-source.ts';
import type { RawModel } from './weight-manifest.ts';

/**
 * sha256 over the source model as stored: topology and weight specs (which carry the quantization
 * ranges) as JSON, then the raw weight bytes. It identifies the whole source model, not the cut, so
 * the cutoff and image size must enter a variant id separately.
 */
function hashRawModel(raw: RawModel): string {
  return (
    createHash('sha256')
      .update(JSON.stringify({ modelTopology: raw.modelTopology, weightSpecs: raw.weightSpecs }))
      // JSON.stringify escapes newlines inside strings, so this separator cannot be forged.
      .update('\n')
      .update(raw.weightData)
      .digest('hex')
  );
}

const rememberedHash = remembered<string>();

/** Hashes `raw` when the caller already holds it; otherwise reads the source (once per process for immutable sources). */
export function sourceWeightsHash(source: ModelSource, raw?: RawModel): Promise<string> {
  if (source.weightsHash) return source.weightsHash();
  const compute = async () => hashRawModel(raw ?? (await source.readModel()));
  return source.immutable ? rememberedHash(source.label, compute) : compute();
}
