import { html } from 'hono/html';
import { formatValue } from '@tlab/core';
import type { Html } from './html.ts';
import { shortened } from './tooltip.ts';

/** A run's swept values as `key = value` chips. */
export function paramChips(params: Readonly<Record<string, unknown>>): Html {
  return html`${Object.entries(params).map(([key, value]) => html`<span class="param-chip"><code>${key}</code> = ${paramValue(value)}</span>`)}`;
}

/** Digits a table shows of a swept number: drawn values carry 17, which push columns off the screen. */
export const shownDigits = 4;

/** A swept value with numbers at four significant digits, the full value in the tooltip when they differ. */
export function paramValue(value: unknown): Html {
  return shortened(formatValue(value, { significant: shownDigits }), formatValue(value));
}
