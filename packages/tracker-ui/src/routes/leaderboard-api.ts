import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { leaderboardCsv } from '../models/leaderboard-csv.ts';
import { leaderboardRequestOf, loadLeaderboard } from '../models/leaderboard.ts';

/** The leaderboard page's data, and all of its rows as CSV; both take the page's query string. */
export function leaderboardApi({ reader, experiments }: AppDeps): Hono {
  return new Hono()
    .get('/api/experiments/:id/leaderboard', (c) => {
      const context = experiments.load(c.req.param('id'));
      return c.json(loadLeaderboard(reader, context, leaderboardRequestOf(reader, context, c.req.url)));
    })
    .get('/api/experiments/:id/leaderboard.csv', (c) => {
      const context = experiments.load(c.req.param('id'));
      const board = loadLeaderboard(reader, context, leaderboardRequestOf(reader, context, c.req.url), true);
      const file = `${context.record.name.replace(/[^A-Za-z0-9._-]+/g, '_')}-leaderboard.csv`;
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${file}"`);
      return c.body(leaderboardCsv(board));
    });
}
