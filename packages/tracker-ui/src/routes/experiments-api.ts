import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { listExperiments } from '../models/experiment-list.ts';

export function experimentsApi({ reader, experiments }: AppDeps): Hono {
  return new Hono()
    .get('/api/experiments', (c) => c.json(listExperiments(reader, experiments)))
    .get('/api/experiments/:id', (c) => {
      const { record, description, metric, paramKeys, factors, seedsSwept, specText, baseValue } = experiments.load(c.req.param('id'));
      const progress = reader.progress(record.id, metric.key, { recent: 0, curves: 0 });
      return c.json({
        ...record,
        description,
        metric,
        statusCounts: progress.statusCounts,
        parameters: paramKeys.map((key) => ({ key, factor: factors.includes(key), base: baseValue(key)?.value ?? null })),
        seedsSwept,
        specVersions: reader.specVersionsOf(record.id).map(({ specHash, firstSeenAt }) => ({ specHash, firstSeenAt })),
        specText,
      });
    });
}
