import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { loadComparison, parseSettings } from '../models/compare.ts';

export function compareApi({ reader }: AppDeps): Hono {
  return new Hono().get('/api/compare', (c) => c.json(loadComparison(reader, parseSettings(c.req.queries('run') ?? []))));
}
