import { isTlabError, type RunRow, type StoreReader } from '@tlab/core';
import type { RunSettings } from '../settings/run-settings.ts';
import { specDirOf, specVersionOf } from '../trained/stored-run.ts';
import { identifyVariants } from './identify-variants.ts';
import { isDeadLocalOwner } from './leases.ts';

/**
 * Runs left `running` by a process that is gone: their lease expired unrenewed, or its owner's pid
 * is dead on this host. A sweep of the same spec takes them over, as long as it still gives them
 * the same variant ids.
 */
export function stuckRuns(store: StoreReader, now = Date.now()): RunRow[] {
  return store
    .listExperiments()
    .flatMap((experiment) => store.runsOf(experiment.id))
    .filter((run) => run.status === 'running' && (run.lease === null || run.lease.expiresAt <= now || isDeadLocalOwner(run.lease.owner)));
}

/** A stuck run that no sweep will take over, and why. */
export interface OrphanedRun {
  readonly runId: string;
  readonly reason: string;
}

/**
 * The stuck runs whose variant id the current data and weights no longer give: a sweep identifies
 * its variants anew (the id hashes the dataset fingerprint and the weights), registers those under
 * new ids and never comes back to these, so they would stay `running` for good.
 */
export async function orphanedRuns(
  store: StoreReader,
  stuck: readonly RunRow[],
  context: { readonly cacheDir: string; readonly settings: RunSettings },
): Promise<OrphanedRun[]> {
  const orphaned: OrphanedRun[] = [];
  const experiments = new Map(store.listExperiments().map((e) => [e.id, e.name]));
  // Identified together where they share an experiment and a spec folder: each dataset is hashed once.
  const groups = new Map<string, { experiment: string; specDir: string; runs: RunRow[] }>();
  for (const run of stuck) {
    const specDir = specDirOf(specVersionOf(store, run));
    const key = JSON.stringify([run.experimentId, specDir]);
    if (!groups.has(key)) groups.set(key, { experiment: experiments.get(run.experimentId)!, specDir, runs: [] });
    groups.get(key)!.runs.push(run);
  }
  for (const { experiment, specDir, runs } of groups.values()) {
    try {
      const variants = await identifyVariants(experiment, runs.map((run) => ({ index: run.index, params: run.params, config: run.config })), {
        specDir,
        dataRoot: context.settings.dataRoot,
        cacheDir: context.cacheDir,
        weights: context.settings.weights,
        warn: () => undefined,
      });
      runs.forEach((run, i) => {
        const variant = variants[i]!;
        if (variant.id === run.id) return;
        const changed = variant.dataset.fingerprint !== run.environment?.datasetFingerprint ? 'the dataset fingerprint' : 'the backbone weights';
        orphaned.push({ runId: run.id, reason: `${changed} changed: the same settings are now variant ${variant.id}` });
      });
    } catch (error) {
      if (!isTlabError(error)) throw error;
      for (const run of runs) orphaned.push({ runId: run.id, reason: `its data or weights no longer resolve: ${error.codedMessage()}` });
    }
  }
  return orphaned;
}
