import { html } from 'hono/html';
import { classMetrics, type RunConfusion } from '@tlab/core';
import { formatNumber } from './format.ts';
import type { Html } from './html.ts';

/**
 * Rows are true classes; each cell is shaded by its share of the row, so errors stand out. Per
 * class: accuracy (recall), precision and F1.
 */
export function confusionMatrix({ classes, matrix, perClassAccuracy }: RunConfusion): Html {
  const perClass = classMetrics(matrix);
  return html`<table class="confusion">
    <thead>
      <tr><th class="corner">true ↓ / predicted →</th>${classes.map((name) => html`<th>${name}</th>`)}<th>accuracy</th><th>precision</th><th>F1</th></tr>
    </thead>
    <tbody>
      ${matrix.map((row, i) => {
        const total = row.reduce((sum, count) => sum + count, 0);
        return html`<tr>
          <th>${classes[i] ?? ''}</th>
          ${row.map((count, j) => {
            const share = total === 0 ? 0 : count / total;
            const hue = i === j ? 142 : 0;
            return html`<td class="number" style="background: hsla(${hue}, 70%, 45%, ${(share * 0.75).toFixed(3)})">${count}</td>`;
          })}
          <td class="number metric">${formatNumber(perClassAccuracy[i])}</td>
          <td class="number">${formatNumber(perClass[i]?.precision)}</td>
          <td class="number">${formatNumber(perClass[i]?.f1)}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
