import { html } from 'hono/html';
import { formatValue } from '@tlab/core';
import { flatten } from '../models/json-values.ts';
import type { Html } from './html.ts';

/** Every leaf of a resolved config; leaves under a swept key (`augment` sweeps all of augment.*) are marked. */
export function configTable(config: unknown, sweptKeys: readonly string[]): Html {
  const swept = (path: string): boolean => sweptKeys.some((key) => path === key || path.startsWith(`${key}.`));
  return html`<table class="config">
    <tbody>
      ${[...flatten(config)].map(
        ([path, value]) => html`<tr${swept(path) ? html` class="swept" title="swept"` : ''}><th><code>${path}</code></th><td>${formatValue(value)}</td></tr>`,
      )}
    </tbody>
  </table>`;
}
