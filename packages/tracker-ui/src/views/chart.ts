import { html } from 'hono/html';
import type { Html } from './html.ts';
import { jsonScript } from './json-script.ts';

export interface ChartOptions {
  readonly height?: number;
  /** SVG for line charts (crisp, few elements); canvas for thousands of lines. */
  readonly renderer?: 'svg' | 'canvas';
}

/** A placeholder the page script turns into an echarts chart with `option`. */
export function chart(id: string, option: object, { height = 320, renderer = 'svg' }: ChartOptions = {}): Html {
  return html`<div class="chart" id="${id}" data-option="${id}-option" data-renderer="${renderer}" style="height: ${height}px"></div>
    ${jsonScript(`${id}-option`, option)}`;
}
