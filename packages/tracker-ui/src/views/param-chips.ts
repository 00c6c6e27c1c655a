import { html } from 'hono/html';
import { formatValue } from '@tlab/core';
import type { Html } from './html.ts';

/** A run's swept values as `key = value` chips. */
export function paramChips(params: Readonly<Record<string, unknown>>): Html {
  return html`${Object.entries(params).map(([key, value]) => html`<span class="param-chip"><code>${key}</code> = ${formatValue(value)}</span>`)}`;
}
