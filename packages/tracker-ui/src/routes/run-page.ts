import { Hono } from 'hono';
import { html } from 'hono/html';
import { bestEpochKey, checkpointPolicy, formatBytes, timingKeys, type ExperimentMetric, type RunRow } from '@tlab/core';
import type { AppDeps } from '../app-deps.ts';
import { compareHref, maxCompared } from '../models/compare.ts';
import { loadRunDetail, type RunDetail } from '../models/run-detail.ts';
import { chart } from '../views/chart.ts';
import { configTable } from '../views/config-table.ts';
import { confusionMatrix } from '../views/confusion-matrix.ts';
import { curveOption } from '../views/curve-option.ts';
import { epochSeries } from '../views/epoch-charts.ts';
import { experimentPath } from '../views/experiment-header.ts';
import { formatDuration, formatMetricValue, formatNumber, formatTime } from '../views/format.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';
import { paramChips } from '../views/param-chips.ts';
import { statusBadge } from '../views/status.ts';

export function runPage({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/runs/:id', (c) => {
    const detail = loadRunDetail(reader, experiments, c.req.param('id'));
    return c.html(
      page({
        title: `run ${detail.run.id}`,
        crumbs: [{ label: detail.experiment.name, href: experimentPath(detail.experiment.id) }, { label: `run ${detail.run.id}` }],
        charts: true,
        ...(detail.live ? { live: { url: `/api/runs/${encodeURIComponent(detail.run.id)}`, version: detail.version } } : {}),
        body: runBody(detail),
      }),
    );
  });
}

function runBody({ run, metric, epochs, metrics, provisional, confusion, siblings, mistakes }: RunDetail): Html {
  const soFar = provisional ? ' so far' : '';
  const { accuracy, loss } = epochSeries([{ name: run.id, epochs }]);
  const best = metrics[bestEpochKey];
  const bestMarker = best === undefined ? {} : { marker: { epoch: best, label: `best (${metric.name})${soFar}` } };
  const env = run.environment;
  return html`<section class="run-head">
      <h1>Run <code>${run.id}</code> ${statusBadge(run.status)}</h1>
      <p class="params">
        ${paramChips(run.params)}
      </p>
      ${siblings.length === 0
        ? ''
        : html`<p class="siblings">
            Other seeds of this setting:
            ${siblings.map((s, i) => html`${i > 0 ? ', ' : ''}<a href="/runs/${s.id}">seed ${s.seed}</a>${s.status === 'done' ? '' : html` ${statusBadge(s.status)}`}`)}
            · <a href="${compareHref([[run.id, ...siblings.map((s) => s.id)].slice(0, maxCompared)])}">compare the seeds</a>
          </p>`}
    </section>
    ${run.error === null ? '' : html`<section><h2>Error</h2><pre class="error">${run.error}</pre></section>`}
    <section class="cards">
      ${metric.bestKey === null ? '' : card(`best ${metric.name}${soFar}`, formatNumber(metrics[metric.bestKey]))}
      ${card(provisional ? `latest ${metric.name}` : `final ${metric.name}`, formatNumber(metrics[metric.finalKey]))}
      ${card(`best epoch (${metric.name})${soFar}`, metrics[bestEpochKey] === undefined ? '–' : String(metrics[bestEpochKey]))}
      ${card('epochs', `${epochs.length} of ${run.config.train.epochs}`)}
      ${card('train time', formatDuration(metrics[timingKeys.train]))}
      ${card('wall time (features included)', formatDuration(metrics[timingKeys.wall]))}
    </section>
    <section>
      <h2>Training vs validation</h2>
      ${epochs.length === 0
        ? html`<p class="muted">No epoch has finished yet.</p>`
        : html`<div class="chart-grid">
            ${chart('accuracy-chart', curveOption('accuracy per epoch', 'accuracy', accuracy, bestMarker))}
            ${chart('loss-chart', curveOption('loss per epoch', 'loss', loss, bestMarker))}
          </div>`}
    </section>
    ${confusion === null
      ? ''
      : html`<section><h2>Confusion matrix (validation, ${evaluatedEpochLabel(run, metric, confusion.epoch)})</h2>${confusionMatrix(confusion)}</section>`}
    ${confusion === null || mistakes.total === 0 ? '' : mistakesSection(run.id, confusion.classes, mistakes)}
    <div class="columns">
      <section>
        <h2>Resolved config</h2>
        ${configTable(run.config, Object.keys(run.params))}
      </section>
      <section>
        <h2>Environment</h2>
        <table class="config">
          <tbody>
            ${row('seed', String(run.seed))}
            ${row('status', html`${statusBadge(run.status)} (attempt ${run.attempts})`)}
            ${row('created', formatTime(run.createdAt))}
            ${row('started', formatTime(run.startedAt))}
            ${row('finished', formatTime(run.finishedAt))}
            ${env === null
              ? row('environment', 'not started yet')
              : html`${row('backend', `${env.backend} (${env.threads} threads)`)}
                ${row('frozen backbone on', `${env.frozenEngine} (${env.frozenThreads} threads)`)}
                ${row('features kept as', env.featurePrecision ?? 'not recorded (stored before Transfer Lab recorded it)')}
                ${row('host', `${env.host.hostname} · ${env.host.platform} · ${env.host.cpus} CPUs · node ${env.host.node}`)}
                ${row('dataset fingerprint', html`<code class="hash">${env.datasetFingerprint}</code>`)}
                ${row('weights', env.weightsSource ?? 'not recorded (stored before Transfer Lab recorded it)')}
                ${row('weights hash', html`<code class="hash">${env.weightsHash}</code>`)}
                ${row('skipped files', String(env.skippedFiles))}
                ${row('checkpoint', run.checkpoint === null ? 'none' : html`<code class="hash">${run.checkpoint.sha256}</code> (${formatBytes(run.checkpoint.bytes)})`)}
                ${Object.entries(env.versions).map(([name, version]) => row(name, version))}`}
          </tbody>
        </table>
        <h2>Metrics${provisional ? ' so far (from the epochs that have landed)' : ''}</h2>
        ${Object.keys(metrics).length === 0
          ? html`<p class="muted">None: a run records its metrics when it finishes.</p>`
          : html`<table class="config">
              <tbody>
                ${Object.entries(metrics).map(([key, value]) => row(key, formatMetricValue(value)))}
              </tbody>
            </table>`}
      </section>
    </div>`;
}

/** Thumbnails of the misclassified validation images, served by content hash from the dataset folder. */
function mistakesSection(runId: string, classes: readonly string[], { total, shown }: RunDetail['mistakes']): Html {
  return html`<section>
    <h2>Misclassified validation images (${total}${shown.length < total ? `, the first ${shown.length} shown` : ''})</h2>
    <div class="mistakes">
      ${shown.map(
        (p) => html`<figure class="mistake">
          <img src="/runs/${encodeURIComponent(runId)}/images/${p.sha256}" alt="${p.file}" title="${p.file}" loading="lazy" width="96" height="96" />
          <figcaption>${classes[p.label] ?? p.label} → <strong>${classes[p.predicted] ?? p.predicted}</strong> ${formatNumber(p.probabilities[p.predicted], 2)}</figcaption>
        </figure>`,
      )}
    </div>
  </section>`;
}

/** Which epoch's model the matrix describes: the checkpoint's (best by the metric, or the last), or the last for runs stored before checkpoints. */
function evaluatedEpochLabel(run: RunRow, metric: ExperimentMetric, epoch: number | null): string {
  if (epoch === null) return 'last epoch; stored before Transfer Lab kept checkpoints';
  return checkpointPolicy(run.config.train) === 'last' ? `epoch ${epoch}, the last` : `epoch ${epoch}, the best by ${metric.name}`;
}

function card(label: string, value: string): Html {
  return html`<div class="card"><div class="card-label">${label}</div><div class="card-value">${value}</div></div>`;
}

function row(label: string, value: string | Html): Html {
  return html`<tr><th>${label}</th><td>${value}</td></tr>`;
}
