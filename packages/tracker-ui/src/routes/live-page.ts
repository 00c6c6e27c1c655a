import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppDeps } from '../app-deps.ts';
import { curvePoints, loadLive, type LiveSweep, type RunPhase } from '../models/live.ts';
import { chart } from '../views/chart.ts';
import { curveOption, palette } from '../views/curve-option.ts';
import { epochSeries } from '../views/epoch-charts.ts';
import { experimentCrumbs, experimentHeader } from '../views/experiment-header.ts';
import { formatCount, formatDuration, formatNumber, formatTime } from '../views/format.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';
import { paramChips } from '../views/param-chips.ts';
import { statusBadge, statusCounts } from '../views/status.ts';

export function livePage({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/experiments/:id/live', (c) => {
    const context = experiments.load(c.req.param('id'));
    const live = loadLive(reader, context);
    // Only a sweep with runs still to train is live: a finished one gets neither the badge nor the polling.
    const active = live.statusCounts.running + live.statusCounts.queued > 0;
    return c.html(
      page({
        title: `${context.record.name} live`,
        crumbs: experimentCrumbs(context, 'live'),
        charts: true,
        ...(active ? { live: { url: `/api/experiments/${context.record.id}/live`, version: live.version } } : {}),
        body: html`${experimentHeader(context, 'live')}${liveBody(live, active)}`,
      }),
    );
  });
}

function liveBody(live: LiveSweep, active: boolean): Html {
  return html`<section class="progress">
      <div class="progress-bar" title="finished runs and the epochs of running ones"><span style="width: ${(100 * live.progress).toFixed(1)}%"></span></div>
      <p><strong>${live.finished}</strong> of ${live.total} runs finished · ${statusCounts(live.statusCounts)}</p>
      <p class="muted">
        ${active
          ? 'This page redraws itself when an epoch lands or a run starts or ends.'
          : 'No run is queued or training: nothing here will change until another sweep starts (then reload).'}
      </p>
    </section>
    ${curvesSection(live)}
    <section>
      <h2>Running</h2>
      ${live.running.length === 0
        ? html`<p class="muted">No run is training right now.</p>`
        : live.running.map((run, i) => {
            const { accuracy } = epochSeries([{ name: run.id, epochs: run.epochs }]);
            return html`<div class="running-run" data-run="${run.id}">
              <h3><a href="/runs/${run.id}"><code>${run.id}</code></a> · epoch <span class="epochs-done">${run.epochsDone}</span> of ${run.epochsPlanned}</h3>
              <p>${paramChips(run.params)}</p>
              ${phaseLine(run.phase, run.startedAt)}
              ${run.epochs.length === 0 ? '' : chart(`live-chart-${i}`, curveOption('accuracy per epoch', 'accuracy', accuracy), { height: 260 })}
            </div>`;
          })}
    </section>
    <section>
      <h2>Latest finished</h2>
      ${live.recent.length === 0
        ? html`<p class="muted">No run has finished yet.</p>`
        : html`<table class="recent">
            <thead><tr><th>run</th><th>swept values</th><th>status</th><th>${live.metric.key}</th><th>finished</th></tr></thead>
            <tbody>
              ${live.recent.map(
                (run) => html`<tr>
                  <td><a href="/runs/${run.id}"><code>${run.id}</code></a></td>
                  <td>${paramChips(run.params)}</td>
                  <td>${statusBadge(run.status)}</td>
                  <td class="number metric">${formatNumber(run.value)}</td>
                  <td>${formatTime(run.finishedAt)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </section>`;
}

const phaseWords: Record<RunPhase['kind'], string> = {
  starting: 'loading the frozen part',
  features: 'computing the frozen features',
  train: 'training',
  validate: 'validating',
};

/** The running run's phase with its own bar and ETA: the feature pass is not an epoch. */
function phaseLine(phase: RunPhase, startedAt: string | null): Html {
  const fraction = phase.step === null || phase.steps === null || phase.steps === 0 ? null : phase.step / phase.steps;
  return html`<div class="phase" data-phase="${phase.kind}">
    ${fraction === null ? '' : html`<div class="progress-bar small"><span style="width: ${(100 * fraction).toFixed(1)}%"></span></div>`}
    <p>
      <strong>${phaseWords[phase.kind]}</strong>
      ${phase.kind === 'starting' ? html` · started ${formatTime(startedAt)}` : phase.step === null ? '' : html` · batch ${phase.step} of ${phase.steps}`}
      ${phase.kind === 'features'
        ? html` · ${formatCount(phase.computedImages)} images so far; the group's other runs read them from the cache`
        : ''}
      ${phase.etaSeconds === null ? '' : html` · <span class="eta">about ${formatDuration(phase.etaSeconds)} left in the ${phase.etaOf}</span>`}
    </p>
  </div>`;
}

/** Every recent run's curve of the experiment metric on one chart: running ones in colour, finished ones grey. */
function curvesSection(live: LiveSweep): Html {
  const drawn = live.curves.filter((curve) => curve.epochs.length > 0);
  if (drawn.length === 0) return html``;
  const series = drawn.map((curve) => ({
    name: curve.id,
    color: curve.status === 'running' ? palette[0] : '#94a3b8',
    points: curvePoints(curve.epochs, live.metric),
  }));
  return html`<section>
    <h2>${live.metric.name} of the latest ${drawn.length} runs</h2>
    ${chart('live-curves', curveOption(`${live.metric.name} per epoch`, live.metric.name, series, { legend: false }), { height: 300 })}
    <p class="muted">Blue: training now; grey: finished or stopped. Hover a line for its run.</p>
  </section>`;
}
