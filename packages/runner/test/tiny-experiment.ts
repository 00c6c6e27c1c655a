import { tinySpecText, tinyWorkspace, type TinySpecOverrides, type TinyWorkspace } from '@tlab/core/testing';
import { openStore } from '@tlab/core';
import type { SweepReporter } from '../src/sweep/sweep-reporter.ts';

/**
 * A throwaway workspace with a two-class image folder (dark vs bright squares) and a spec on the
 * in-code tiny_cnn backbone: a real sweep end to end in seconds, with no shared data needed.
 */
export function tinyExperiment(specText: string): TinyWorkspace {
  return tinyWorkspace(specText);
}

/** Two dropouts: the smallest sweep that still has variants to tell apart. */
export const tinySweep: TinySpecOverrides['sweep'] = { method: 'grid', parameters: { 'head.dropout': { values: [0.0, 0.5] } } };

export const tinySpec = tinySpecText({ sweep: tinySweep });

export interface RecordedEvents {
  readonly started: string[];
  readonly failed: string[];
  readonly planned: Array<{ id: string; status: string }>;
  readonly warnings: string[];
  readonly leftOut: Array<Readonly<Record<string, unknown>>>;
}

export function recordingReporter(onEpoch?: () => void): SweepReporter & { events: RecordedEvents } {
  const events: RecordedEvents = { started: [], failed: [], planned: [], warnings: [], leftOut: [] };
  return {
    events,
    planned: (_, rows) => events.planned.push(...rows.map((r) => ({ id: r.id, status: r.status }))),
    capped: (_, leftOut) => events.leftOut.push(...leftOut),
    engine: () => undefined,
    runStarted: (run) => events.started.push(run.id),
    progress: () => undefined,
    epochEnded: () => onEpoch?.(),
    runFinished: () => undefined,
    runFailed: (id, message) => events.failed.push(`${id}: ${message}`),
    warn: (message) => events.warnings.push(message),
    finished: () => undefined,
    summary: () => undefined,
  };
}

/** Every run of a DB's (first) experiment by id: status, attempts and per-epoch numbers, timings left out. */
export function storedRuns(db: string) {
  const store = openStore(db, { readonly: true });
  try {
    const [experiment] = store.listExperiments();
    return Object.fromEntries(
      store.runsOf(experiment!.id).map((run) => [
        run.id,
        { status: run.status, attempts: run.attempts, epochs: store.epochsOf(run.id).map(({ seconds: _seconds, ...numbers }) => numbers) },
      ]),
    );
  } finally {
    store.close();
  }
}
