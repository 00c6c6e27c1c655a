import { escapeControlCharacters, formatValue, tInterval, type MetricSummary } from '@tlab/core';
import type { UnreadableFile } from '@tlab/trainer';

export function formatParams(params: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '(base config)' : entries.map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function formatMetric(value: number | null | undefined): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '-' : value.toFixed(4);
}

/** A setting's metric over its seeds: the value alone for one run, the mean ± the half-width of its 95% t interval for several. */
export function formatSummary({ mean, std }: MetricSummary, n: number): string {
  if (n < 2 || std === null || mean === null) return formatMetric(mean);
  const { upper } = tInterval(mean, std / Math.sqrt(n), n - 1, 0.95);
  return `${formatMetric(mean)} ± ${formatMetric(upper - mean)} (95% CI, n=${n})`;
}

/** Plain-text table, columns padded to their widest cell; control characters in cells (file names, labels) shown escaped. */
export function formatTable(header: readonly string[], cells: readonly (readonly string[])[]): string {
  const escaped = (row: readonly string[]) => row.map(escapeControlCharacters);
  const head = escaped(header);
  const rows = cells.map(escaped);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The files `tlab predict` or `evaluate` could not read, one per line with why, for stderr. */
export function formatUnreadable(unreadable: readonly UnreadableFile[], outcome: string): string {
  const lines = unreadable.map((u) => `  ${u.file}: ${u.reason}`);
  return escapeControlCharacters(`${unreadable.length} file(s) could not be read ${outcome} [TLAB_DATA_UNREADABLE]:\n${lines.join('\n')}\n`);
}
