import { html } from 'hono/html';
import type { MetricSummary } from '@tlab/core';
import { formatSummary } from './format.ts';
import type { Html } from './html.ts';

/** A value shortened for a table, with the full value in its tooltip where the two differ. */
export function shortened(short: string, full: string): Html {
  return short === full ? html`${short}` : html`<span title="${full}">${short}</span>`;
}

/** A number as `format` shows it, the stored value in full (with its unit) in the tooltip. */
export function numberValue(value: number | null, format: (value: number | null) => string, unit = ''): Html {
  return value === null ? html`${format(value)}` : shortened(format(value), `${value}${unit}`);
}

/** Mean ± std as `formatSummary` shows it, the stored values in full in the tooltip. */
export function summaryValue(summary: MetricSummary): Html {
  const { mean, std } = summary;
  return mean === null ? html`${formatSummary(summary)}` : shortened(formatSummary(summary), std === null ? String(mean) : `${mean} ± ${std}`);
}
