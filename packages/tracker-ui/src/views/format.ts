import type { ConfidenceInterval, EffectVerdict, MetricGoal, MetricSummary } from '@tlab/core';

const dash = '–';

/** Metrics are accuracies and losses: four decimals tell runs apart without noise. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || Number.isNaN(value) ? dash : value.toFixed(digits);
}

/**
 * A measured value at three or four significant digits: accuracies and losses (up to 1) to four
 * decimals, so a column of them lines up, smaller ones to three significant digits rather than
 * `0.0000`, larger ones (images/s, seconds) to four: `1043`, not `1043.2533`.
 */
export function formatMeasure(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude > 1) return String(Number(value.toPrecision(4)));
  return magnitude === 0 || magnitude >= 0.01 ? formatNumber(value) : String(Number(value.toPrecision(3)));
}

export function formatSummary({ mean, std }: MetricSummary): string {
  if (mean === null) return dash;
  return std === null ? formatMeasure(mean) : `${formatMeasure(mean)} ± ${formatMeasure(std)}`;
}

/** A stored metric in a table: counts as they are, anything else as `formatMeasure` has it. */
export function formatMetricValue(value: number): string {
  return Number.isInteger(value) ? String(value) : formatMeasure(value);
}

export function formatSigned(value: number | null): string {
  if (value === null || Number.isNaN(value)) return dash;
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(4)}`;
}

/** A mean with its confidence interval's half-width and the runs behind it: `0.8500 ± 0.1271 (n=2)`. */
export function formatMeanInterval(mean: number, interval: ConfidenceInterval | null, n: number): string {
  return interval === null ? `${formatNumber(mean)} (n=${n})` : `${formatNumber(mean)} ± ${formatNumber(interval.upper - mean)} (n=${n})`;
}

/** An interval of differences, both ends signed: `−0.1200 … +0.0300`. */
export function formatSignedInterval(interval: ConfidenceInterval | null): string {
  return interval === null ? dash : `${formatSigned(interval.lower)} … ${formatSigned(interval.upper)}`;
}

/** Three significant digits: enough to read against α, and 1e-7 stays 1.00e-7 rather than 0.0000. */
export function formatP(p: number | null): string {
  return p === null ? dash : p.toPrecision(3);
}

/** A verdict in words; for a metric to minimize, "better" alone would read as "higher". */
export function formatVerdict(verdict: EffectVerdict, goal: MetricGoal): string {
  return goal === 'minimize' && verdict !== 'no evidence' ? `${verdict} (lower is better)` : verdict;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return dash;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${two(m)}m` : `${m}m ${two(s)}s`;
}

/** Stored times are ISO-8601 UTC; the T and the milliseconds only get in the way of reading them. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return dash;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return dash;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
