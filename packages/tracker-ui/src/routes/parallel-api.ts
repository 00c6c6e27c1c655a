import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { loadParallel } from '../models/parallel.ts';

export function parallelApi({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/api/experiments/:id/parallel', (c) => c.json(loadParallel(reader, experiments.load(c.req.param('id')))));
}
