import type { MetricSummary } from '@tlab/core';

const dash = '–';

/** Metrics are accuracies and losses: four decimals tell runs apart without noise. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || Number.isNaN(value) ? dash : value.toFixed(digits);
}

export function formatSummary({ mean, std }: MetricSummary): string {
  if (mean === null) return dash;
  return std === null ? formatNumber(mean) : `${formatNumber(mean)} ± ${formatNumber(std)}`;
}

/**
 * A stored metric in a table: accuracies and losses (below 1) to four decimals, larger numbers
 * (images/s, seconds) to four significant digits, counts as they are: `1043`, not `1043.2533`.
 */
export function formatMetricValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 1 ? formatNumber(value) : String(Number(value.toPrecision(4)));
}

export function formatSigned(value: number | null): string {
  if (value === null || Number.isNaN(value)) return dash;
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(4)}`;
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
