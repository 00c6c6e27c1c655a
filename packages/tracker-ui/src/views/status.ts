import { html } from 'hono/html';
import { runStatuses, type RunStatus } from '@tlab/core';
import type { Html } from './html.ts';

export function statusBadge(status: RunStatus | 'mixed'): Html {
  return html`<span class="status status-${status}">${status}</span>`;
}

/** e.g. "12 done · 1 running · 2 failed", zero counts left out. */
export function statusCounts(counts: Readonly<Record<RunStatus, number>>): Html {
  const present = runStatuses.filter((status) => counts[status] > 0);
  if (present.length === 0) return html`<span class="muted">no runs</span>`;
  return html`<span class="counts">${present.map((status) => html`<span class="status status-${status}">${counts[status]} ${status}</span>`)}</span>`;
}
