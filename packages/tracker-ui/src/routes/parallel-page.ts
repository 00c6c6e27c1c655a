import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppDeps } from '../app-deps.ts';
import { loadParallel, type ParallelData } from '../models/parallel.ts';
import { chart } from '../views/chart.ts';
import { experimentCrumbs, experimentHeader } from '../views/experiment-header.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';

export function parallelPage({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/experiments/:id/parallel', (c) => {
    const context = experiments.load(c.req.param('id'));
    const data = loadParallel(reader, context);
    return c.html(
      page({
        title: `${context.record.name} parallel coordinates`,
        crumbs: experimentCrumbs(context, 'parallel'),
        charts: true,
        body: html`${experimentHeader(context, 'parallel')}${parallelBody(data)}`,
      }),
    );
  });
}

function parallelBody(data: ParallelData): Html {
  if (data.rows.length === 0) return html`<p class="muted">No run has a value of ${data.metric.key} yet.</p>`;
  return html`<p class="lead">
      One line per finished run, from its swept values to <strong>${data.metric.key}</strong>; drag along an axis to
      keep only the runs in that range.
      ${data.rows.length < data.total ? html`Showing the best ${data.rows.length} of ${data.total} runs.` : html`${data.total} runs.`}
    </p>
    ${chart('parallel-chart', parallelOption(data), { height: 460, renderer: 'canvas' })}`;
}

function parallelOption(data: ParallelData): object {
  const metricIndex = data.axes.length - 1;
  const scores = data.rows.map((row) => row.values[metricIndex] as number);
  const [low, high] = [Math.min(...scores), Math.max(...scores)];
  return {
    animation: false,
    parallelAxis: data.axes.map((axis, dim) => ({
      dim,
      name: axis.key,
      nameLocation: 'end',
      nameTextStyle: { fontWeight: dim === metricIndex ? 700 : 400 },
      // Labels sit on top of the lines that cross the axis; a backing keeps them readable.
      axisLabel: { backgroundColor: 'rgba(255, 255, 255, 0.85)', padding: [1, 3] },
      ...(axis.type === 'category' ? { type: 'category', data: axis.levels } : axis.type === 'log' ? { type: 'log' } : { type: 'value', scale: true }),
    })),
    parallel: { left: 70, right: 150, top: 50, bottom: 30 },
    visualMap: {
      type: 'continuous',
      dimension: metricIndex,
      min: low,
      max: high === low ? low + 1e-9 : high,
      right: 10,
      top: 'middle',
      calculable: true,
      precision: 4,
      inRange: { color: data.metric.goal === 'maximize' ? ['#d1d5db', '#1d4ed8'] : ['#1d4ed8', '#d1d5db'] },
    },
    series: [{ type: 'parallel', lineStyle: { width: 1.5, opacity: 0.6 }, data: data.rows.map((row) => row.values) }],
  };
}
