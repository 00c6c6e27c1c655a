import type { MetricSpec } from '@tlab/core';
import type { EngineInfo, EpochMetrics, TrainProgress } from '@tlab/trainer';
import type { SweepSummary } from './sweep-summary.ts';

export interface PlannedRow {
  readonly index: number;
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Stored status, or `new` when the store has not seen this variant yet. */
  readonly status: string;
}

export interface RunHeader {
  /** 1-based position among the runs this invocation trains. */
  readonly position: number;
  readonly count: number;
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly epochs: number;
}

/** The frozen part's engine as it started: `onnx` or `tfjs` (a fallback shows here), and its threads. */
export interface FrozenEngineInfo {
  readonly engine: string;
  readonly threads: number;
}

export interface SweepOutcome {
  readonly trained: number;
  readonly skipped: number;
  readonly failed: number;
}

/** What a sweep tells the person watching it; the CLI renders it for a TTY or as plain log lines. */
export interface SweepReporter {
  planned(experiment: string, rows: readonly PlannedRow[]): void;
  /** `sweep.run_cap` cut a grid or an ablation: the settings (without seed) that will not run. */
  capped(runCap: number, leftOut: ReadonlyArray<Readonly<Record<string, unknown>>>): void;
  /** Once per distinct pair: what trains the heads (`info`) and what runs the frozen part. */
  engine(info: EngineInfo, frozen: FrozenEngineInfo): void;
  runStarted(run: RunHeader): void;
  progress(progress: TrainProgress): void;
  epochEnded(metrics: EpochMetrics): void;
  /** `metric` is the experiment's: the run's best epoch is best by it. */
  runFinished(id: string, metrics: Readonly<Record<string, number>>, metric: MetricSpec): void;
  runFailed(id: string, message: string): void;
  warn(message: string): void;
  finished(outcome: SweepOutcome): void;
  /** After a sweep (not a reproduction): the best settings and where to see the rest. */
  summary(summary: SweepSummary): void;
}
