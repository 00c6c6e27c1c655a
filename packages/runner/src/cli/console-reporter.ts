import { bestEpochKey, escapeControlCharacters, experimentMetric, timingKeys, type LeaderboardRow, type MetricSpec } from '@tlab/core';
import type { EngineInfo, EpochMetrics, TrainProgress } from '@tlab/trainer';
import type { FrozenEngineInfo, PlannedRow, RunHeader, SweepOutcome, SweepReporter } from '../sweep/sweep-reporter.ts';
import type { SweepSummary } from '../sweep/sweep-summary.ts';
import { formatDuration, formatMetric, formatParams, formatSummary, formatTable } from './format.ts';
import type { Output } from './output.ts';

const barWidth = 24;

/**
 * Renders a sweep for people: on a TTY a live status line (variant i/N, epoch, batch bar, ETA)
 * under permanent per-epoch lines; elsewhere (CI, pipes, log files) only the permanent lines, so
 * logs stay readable.
 */
/** Left-out settings named by the run_cap line; the rest are counted. */
const cappedShown = 5;

export class ConsoleReporter implements SweepReporter {
  private run: RunHeader | undefined;
  private runStartedAt = 0;
  private statusShown = false;

  constructor(
    private readonly out: Output,
    private readonly live: boolean,
  ) {}

  planned(experiment: string, rows: readonly PlannedRow[]): void {
    this.line(`Experiment ${experiment}: ${rows.length} variant${rows.length === 1 ? '' : 's'}`);
    this.line(formatTable(['#', 'id', 'status', 'parameters'], rows.map((r) => [String(r.index + 1), r.id, r.status, formatParams(r.params)])));
  }

  capped(runCap: number, leftOut: ReadonlyArray<Readonly<Record<string, unknown>>>): void {
    const shown = leftOut.slice(0, cappedShown).map(formatParams);
    const more = leftOut.length > shown.length ? `; and ${leftOut.length - shown.length} more` : '';
    this.line(`sweep.run_cap ${runCap}: running the first ${runCap} settings as listed; left out ${leftOut.length}: ${shown.join('; ')}${more}`);
  }

  engine(info: EngineInfo, frozen: FrozenEngineInfo): void {
    const frozenOn = frozen.engine === 'onnx' ? 'ONNX Runtime' : `tfjs (${info.backend})`;
    this.line(
      `Engine: heads on tfjs ${info.versions['tfjs-core'] ?? '?'} (${info.backend} backend, ${info.threads} thread(s)); frozen part on ${frozenOn}, ${frozen.threads} thread(s)`,
    );
  }

  runStarted(run: RunHeader): void {
    this.run = run;
    this.runStartedAt = performance.now();
    this.line(`[${run.position}/${run.count}] ${run.id} ${formatParams(run.params)}`);
  }

  progress(progress: TrainProgress): void {
    if (!this.live || !this.run) return;
    const fraction = progress.step / progress.steps;
    const filled = Math.round(fraction * barWidth);
    const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
    const runFraction = (progress.epoch - 1 + (progress.phase === 'train' ? fraction : 1)) / progress.epochs;
    const elapsed = (performance.now() - this.runStartedAt) / 1000;
    const eta = runFraction > 0 ? (elapsed / runFraction) * (1 - runFraction) : Number.NaN;
    const metrics = progress.phase === 'train' ? ` loss ${formatMetric(progress.loss)} acc ${formatMetric(progress.accuracy)}` : ' validating';
    const text = `  [${this.run.position}/${this.run.count}] epoch ${progress.epoch}/${progress.epochs} ${bar} ${progress.step}/${progress.steps}${metrics} ETA ${formatDuration(eta)}`;
    this.out.write(`\r\x1b[2K${text}`);
    this.statusShown = true;
  }

  epochEnded(m: EpochMetrics): void {
    const epochs = this.run?.epochs ?? m.epoch;
    this.line(
      `  epoch ${m.epoch}/${epochs}  loss ${formatMetric(m.loss)}  acc ${formatMetric(m.accuracy)}  val_loss ${formatMetric(m.valLoss)}  val_acc ${formatMetric(m.valAccuracy)}  ${m.seconds.toFixed(1)}s`,
    );
  }

  runFinished(id: string, metrics: Readonly<Record<string, number>>, metric: MetricSpec): void {
    const { key } = experimentMetric(metric);
    this.line(`  done ${id}: ${key} ${formatMetric(metrics[key])} at epoch ${metrics[bestEpochKey]}, training ${formatDuration(metrics[timingKeys.train] ?? 0)} + features ${formatDuration(metrics[timingKeys.features] ?? 0)}`);
  }

  runFailed(id: string, message: string): void {
    this.line(`  FAILED ${id}: ${message}`);
  }

  warn(message: string): void {
    this.line(message);
  }

  finished(outcome: SweepOutcome): void {
    this.line(`Sweep finished: ${outcome.trained} trained, ${outcome.skipped} already done, ${outcome.failed} failed.`);
  }

  summary({ metric, leaders, settings, dbFile }: SweepSummary): void {
    if (leaders.length > 0) {
      const column = metric.bestKey ?? metric.finalKey;
      const value = (row: LeaderboardRow) => formatSummary((metric.bestKey === null ? row.final : row.best), row.n);
      this.line(`Best ${leaders.length} of ${settings} setting(s) by ${column} (${metric.goal}):`);
      this.line(formatTable(['#', 'id', column, 'parameters'], leaders.map((row) => [String(row.index), row.id, value(row), formatParams(row.params)])));
    }
    this.line(`Every run, curve and comparison: npx nx run tracker-ui:serve --db ${dbFile}  (then open http://127.0.0.1:4600)`);
  }

  private line(text: string): void {
    if (this.statusShown) {
      this.out.write('\r\x1b[2K');
      this.statusShown = false;
    }
    // Names, values and file names come from specs and folders: shown, never obeyed by the terminal.
    this.out.write(`${escapeControlCharacters(text)}\n`);
  }
}
