import type { ArtifactRef, EpochRecord, MetricSpec, RunEnvironment, RunResult } from '@tlab/core';

/** A job as it sits in Redis: enough for a worker on any machine to rebuild its variants and check them. */
export interface QueueJobData {
  readonly experiment: string;
  /** The spec's text and file name; its relative data paths resolve against the worker's --data-root. */
  readonly specText: string;
  readonly specName: string;
  readonly overrides: readonly string[];
  readonly metric: MetricSpec;
  /** The variants to train, as the coordinator identified them: what the worker's own ids must match. */
  readonly variants: ReadonlyArray<{ readonly id: string; readonly index: number; readonly datasetFingerprint: string; readonly weightsHash: string }>;
}

/** What a worker tells the coordinator while it trains (job progress): enough for the live view. */
export type RunEvent =
  | { readonly type: 'started'; readonly runId: string; readonly environment: RunEnvironment }
  | { readonly type: 'epoch'; readonly runId: string; readonly epoch: EpochRecord };

/** A checkpoint travelling with the result: its bytes through Redis, or a file already in a shared artifact folder. */
export type CheckpointTransfer = ArtifactRef & { readonly base64?: string };

/** One run of a finished job, everything the coordinator commits for it. */
export type RunRecord =
  | {
      readonly runId: string;
      readonly status: 'done';
      readonly environment: RunEnvironment;
      readonly epochs: readonly EpochRecord[];
      readonly result: Omit<RunResult, 'checkpoint'> & { readonly checkpoint: CheckpointTransfer | null };
    }
  | { readonly runId: string; readonly status: 'failed'; readonly environment: RunEnvironment; readonly epochs: readonly EpochRecord[]; readonly error: string };

/** A job's return value, kept in Redis until the coordinator has committed it. */
export interface QueueJobResult {
  readonly runs: readonly RunRecord[];
}
