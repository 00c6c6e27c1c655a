import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { loadRunDetail } from '../models/run-detail.ts';

export function runApi({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/api/runs/:id', (c) => c.json(loadRunDetail(reader, experiments, c.req.param('id'))));
}
