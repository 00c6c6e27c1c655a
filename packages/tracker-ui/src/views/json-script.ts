import { html, raw } from 'hono/html';
import type { Html } from './html.ts';

/**
 * Data for the page's script, inert (`application/json` never runs). The HTML parser ends a script
 * element at the first `</script`, whatever JSON thinks, so `<` is written as its JSON escape; the
 * line separators are escaped because older parsers treat them as line ends.
 */
export function jsonScript(id: string, value: unknown): Html {
  const text = JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
  return html`<script type="application/json" id="${id}">${raw(text)}</script>`;
}
