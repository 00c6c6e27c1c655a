import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { loadAblation, parseAblationRequest } from '../models/ablation.ts';

export function ablationApi({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/api/experiments/:id/ablation', (c) => {
    const context = experiments.load(c.req.param('id'));
    return c.json(loadAblation(reader, context, parseAblationRequest(context, c.req.query())));
  });
}
