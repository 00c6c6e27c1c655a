import { html } from 'hono/html';
import type { Html } from './html.ts';

export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

export interface PageOptions {
  readonly title: string;
  readonly crumbs?: readonly Crumb[];
  /** Loads echarts; only pages with charts pay for its megabyte. */
  readonly charts?: boolean;
  /** A JSON endpoint whose `version` the page polls, redrawing itself when it moves on from this one. */
  readonly live?: { readonly url: string; readonly version: string };
  readonly body: Html;
}

export function page({ title, crumbs = [], charts = false, live, body }: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · Transfer Lab</title>
    <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/static/app.css" />
    ${charts ? html`<script src="/static/echarts.min.js" defer></script>` : ''}
    <script src="/static/app.js" defer></script>
  </head>
  <body${live === undefined ? '' : html` data-live="${live.url}" data-live-version="${live.version}"`}>
    <header class="top">
      <a class="brand" href="/">Transfer Lab</a>
      ${crumbs.map((crumb) => html`<span class="sep">›</span>${crumb.href === undefined ? html`<span>${crumb.label}</span>` : html`<a href="${crumb.href}">${crumb.label}</a>`}`)}
      ${live === undefined ? '' : html`<span class="live-badge" title="refreshes as epochs land">live</span>`}
    </header>
    <main>${body}</main>
  </body>
</html>`;
}
