import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { loadComparison, parseRunIds } from '../models/compare.ts';

export function compareApi({ reader }: AppDeps): Hono {
  return new Hono().get('/api/compare', (c) => c.json(loadComparison(reader, parseRunIds(c.req.queries('run') ?? []))));
}
