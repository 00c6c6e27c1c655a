import { Hono } from 'hono';
import { html } from 'hono/html';
import type { StoreReader } from '@tlab/core';

/**
 * The tracker UI reads the results store and never writes it. This first page lists experiments;
 * leaderboards, ablation views and run curves build on the same reader.
 */
export function createApp(store: StoreReader): Hono {
  const app = new Hono();

  app.get('/api/experiments', (c) => c.json(store.listExperiments()));

  app.get('/', (c) => {
    const experiments = store.listExperiments();
    return c.html(html`<!doctype html>
      <html lang="en">
        <head><meta charset="utf-8" /><title>Transfer Lab</title></head>
        <body>
          <h1>Experiments</h1>
          <table>
            <thead><tr><th>experiment</th><th>runs</th><th>done</th><th>failed</th><th>best val_accuracy</th><th>last activity</th></tr></thead>
            <tbody>
              ${experiments.map(
                (e) => html`<tr>
                  <td>${e.name}</td><td>${e.runCount}</td><td>${e.statusCounts.done}</td><td>${e.statusCounts.failed}</td>
                  <td>${e.best ? e.best.value.toFixed(4) : '–'}</td><td>${e.lastActivityAt}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </body>
      </html>`);
  });

  return app;
}
