import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { loadLive } from '../models/live.ts';

/** Polled every few seconds by the live page: cheap, and its `version` says whether anything changed. */
export function liveApi({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/api/experiments/:id/live', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(loadLive(reader, experiments.load(c.req.param('id'))));
  });
}
