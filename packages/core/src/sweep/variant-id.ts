import { createHash } from 'node:crypto';
import { canonicalJson } from '../text/canonical-json.ts';
import type { ResolvedConfig } from '../spec/schema.ts';

export interface VariantIdentity {
  experiment: string;
  config: ResolvedConfig;
  /** Dataset.fingerprint: the same settings on other images are another variant. */
  datasetFingerprint: string;
  /** Backbone.weightsHash: the same settings on other weights are another variant. */
  weightsHash: string;
}

/**
 * The first 16 hex characters of sha256 over the canonical JSON of exactly these four fields, so a
 * variant keeps its id across machines, runs and spec reformatting, and any change to what it
 * trains on or with gives a new one (64 bits: collisions are negligible for any realistic store).
 */
export function variantId({ experiment, config, datasetFingerprint, weightsHash }: VariantIdentity): string {
  const identity = canonicalJson({ experiment, config, datasetFingerprint, weightsHash });
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}
