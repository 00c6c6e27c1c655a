import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { loadEffects, parseEffectsRequest } from '../models/effects.ts';

export function effectsApi({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/api/experiments/:id/effects', (c) => {
    const context = experiments.load(c.req.param('id'));
    return c.json(loadEffects(reader, context, parseEffectsRequest(c.req.query())));
  });
}
