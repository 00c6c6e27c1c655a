import os from 'node:os';
import { libraryVersions, type Dataset, type EngineInfo, type RunEnvironment } from '@tlab/core';

/** What a run needs recorded to be reproduced or explained later: engine, libraries, machine, inputs. */
export function collectEnvironment(
  engine: EngineInfo,
  variant: { readonly weightsHash: string; readonly dataset: Pick<Dataset, 'fingerprint' | 'skipped'> },
): RunEnvironment {
  return {
    backend: engine.backend,
    threads: engine.threads,
    versions: libraryVersions(),
    host: { hostname: os.hostname(), platform: `${os.platform()}-${os.arch()}`, cpus: os.availableParallelism(), node: process.version },
    datasetFingerprint: variant.dataset.fingerprint,
    weightsHash: variant.weightsHash,
    skippedFiles: variant.dataset.skipped.length,
  };
}
