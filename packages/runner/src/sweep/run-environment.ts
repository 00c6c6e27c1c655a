import os from 'node:os';
import type { RunEnvironment } from '@tlab/core';
import { libraryVersions, type Dataset, type EngineInfo, type FeaturePrecision, type FrozenExtractor } from '@tlab/trainer';

/**
 * What a run needs recorded to be reproduced or explained later: engines, libraries, machine,
 * inputs. Without an extractor the frozen part never ran (it failed to build): engine `none`.
 */
export function collectEnvironment(
  engine: EngineInfo,
  variant: { readonly weightsHash: string; readonly weightsSource: string; readonly dataset: Pick<Dataset, 'fingerprint' | 'skipped'> },
  extractor: Pick<FrozenExtractor, 'engine' | 'threads'> | undefined,
  featurePrecision: FeaturePrecision,
): RunEnvironment {
  return {
    backend: engine.backend,
    threads: engine.threads,
    frozenEngine: extractor?.engine ?? 'none',
    frozenThreads: extractor?.threads ?? 0,
    versions: libraryVersions(),
    host: { hostname: os.hostname(), platform: `${os.platform()}-${os.arch()}`, cpus: os.availableParallelism(), node: process.version },
    datasetFingerprint: variant.dataset.fingerprint,
    weightsHash: variant.weightsHash,
    weightsSource: variant.weightsSource,
    skippedFiles: variant.dataset.skipped.length,
    featurePrecision,
  };
}
