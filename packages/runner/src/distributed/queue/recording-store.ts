import type { EpochRecord, RunEnvironment, RunResult, Store } from '@tlab/core';
import type { RunEvent } from './queue-job.ts';

interface Recorded {
  readonly environment: RunEnvironment;
  readonly epochs: EpochRecord[];
  result?: RunResult;
  error?: string;
}

/**
 * A queue worker's scratch store, recording what each run writes so the job can return it and
 * reporting starts and epochs as they happen; the coordinator commits both to the real DB.
 */
export function recordingStore(store: Store, emit: (event: RunEvent) => void): { readonly store: Store; readonly runs: ReadonlyMap<string, Recorded> } {
  const runs = new Map<string, Recorded>();
  const recorded = (runId: string): Recorded => runs.get(runId)!;
  return {
    runs,
    store: {
      ...store,
      startRun(runId, environment) {
        if (!store.startRun(runId, environment)) return false;
        runs.set(runId, { environment, epochs: [] });
        emit({ type: 'started', runId, environment });
        return true;
      },
      recordEpoch(runId, epoch) {
        store.recordEpoch(runId, epoch);
        recorded(runId).epochs.push(epoch);
        emit({ type: 'epoch', runId, epoch });
      },
      finishRun(runId, result) {
        store.finishRun(runId, result);
        recorded(runId).result = result;
      },
      failRun(runId, error) {
        store.failRun(runId, error);
        recorded(runId).error = error;
      },
    },
  };
}
