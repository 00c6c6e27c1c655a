import { Hono } from 'hono';
import { html } from 'hono/html';
import { metricKeyOf, type LeaderboardColumn, type LeaderboardRow } from '@tlab/core';
import type { AppDeps } from '../app-deps.ts';
import type { ExperimentContext } from '../experiment-context.ts';
import {
  filterInputName,
  leaderboardRequestOf,
  leaderboardSearch,
  loadLeaderboard,
  perPageChoices,
  regroup,
  type ColumnInfo,
  type Leaderboard,
  type LeaderboardRequest,
} from '../models/leaderboard.ts';
import { compareHref, maxCompared } from '../models/compare.ts';
import { experimentCrumbs, experimentHeader } from '../views/experiment-header.ts';
import { formatCount, formatDuration } from '../views/format.ts';
import type { Html } from '../views/html.ts';
import { page } from '../views/layout.ts';
import { paramValue } from '../views/param-chips.ts';
import { statusBadge } from '../views/status.ts';
import { numberValue, summaryValue } from '../views/tooltip.ts';

export function leaderboardPage({ reader, experiments }: AppDeps): Hono {
  return new Hono().get('/experiments/:id', (c) => {
    const context = experiments.load(c.req.param('id'));
    const request = leaderboardRequestOf(reader, context, c.req.url);
    const board = loadLeaderboard(reader, context, request);
    return c.html(
      page({
        title: `${context.record.name} leaderboard`,
        crumbs: experimentCrumbs(context, 'leaderboard'),
        body: html`${experimentHeader(context, 'leaderboard')}${leaderboardBody(context, request, board)}`,
      }),
    );
  });
}

function leaderboardBody(context: ExperimentContext, request: LeaderboardRequest, board: Leaderboard): Html {
  const search = (changes: Partial<LeaderboardRequest>): string => leaderboardSearch(request, context, changes);
  const apiBase = `/api/experiments/${context.record.id}/leaderboard`;
  const unit = board.grouped ? 'settings' : 'runs';
  return html`<div class="toolbar">
      <span>
        <strong>${board.total}</strong> ${unit}${request.filters.length > 0
          ? html` match the filters · <a class="clear-filters" href="${search({ filters: [], page: 1 })}">clear filters</a>`
          : ''}
      </span>
      <span class="toggle">
        ${board.grouped
          ? html`one row per seed group (mean ± std) · <a href="${search(regroup(request, context, false))}">one row per run</a>`
          : html`one row per run · <a href="${search(regroup(request, context, true))}">group seeds</a>`}
      </span>
      ${columnChooser(board, request)}
      <span class="spacer"></span>
      <a href="${apiBase}.csv${search({ page: 1 })}">CSV</a>
      <a href="${apiBase}${search({})}">JSON</a>
      <span class="compare-message notice" role="alert" hidden></span>
      <button type="submit" form="compare" data-max="${maxCompared}">Compare selected (2–${maxCompared})</button>
    </div>
    <form id="filters" method="get" action="/experiments/${context.record.id}">
      ${board.grouped === context.seedsSwept ? '' : html`<input type="hidden" name="group" value="${board.grouped ? 'seed' : 'none'}" />`}
      <input type="hidden" name="sort" value="${request.sort}" />
      <input type="hidden" name="dir" value="${request.descending ? 'desc' : 'asc'}" />
    </form>
    <form id="compare" method="get" action="/compare"></form>
    <div class="table-wrap">
      <table class="leaderboard" data-total="${board.total}">
        <thead>
          <tr>
            <th class="select"></th>
            ${board.columns.map((column) => headerCell(column, request, context, search))}
          </tr>
          <tr class="filter-row">
            <th class="select"><button type="submit" form="filters" title="apply the filters">Filter</button></th>
            ${board.columns.map((column) => filterCell(column, request))}
          </tr>
        </thead>
        <tbody>
          ${board.rows.length === 0
            ? html`<tr><td class="empty" colspan="${board.columns.length + 1}">${emptyMessage(request, board)}</td></tr>`
            : board.rows.map((row) => leaderboardRow(row, board))}
        </tbody>
      </table>
    </div>
    ${pager(board, search)}
    <p class="hint muted">
      Filters: a value (<code>none</code>, <code>0.5</code>) or an operator and a value (<code>&gt;0.9</code>, <code>!=failed</code>, <code>&lt;=10</code>); <code>null</code>
      matches missing values. Text ignores case (<code>DONE</code> finds done runs), and a run id matches by its first characters (<code>a1e9</code>). Sorting, filtering and
      paging run in the database.
    </p>`;
}

/** Every stored metric as a checkbox of the filters form, so choosing columns keeps the sort, filters and grouping. */
function columnChooser(board: Leaderboard, request: LeaderboardRequest): Html {
  if (board.metricColumns.length === 0) return html``;
  return html`<details class="column-chooser">
    <summary>columns (${request.cols.length} of ${board.metricColumns.length} metrics)</summary>
    <div class="chooser-body">
      ${board.metricColumns.map(
        (column) =>
          html`<label><input type="checkbox" form="filters" name="cols" value="${column.id}"${request.cols.includes(column.id) ? ' checked' : ''} /> <code>${column.label}</code></label>`,
      )}
      <p class="muted">A metric the table is sorted or filtered by stays shown.</p>
      <button type="submit" form="filters">Show columns</button>
    </div>
  </details>`;
}

function headerCell(column: ColumnInfo, request: LeaderboardRequest, context: ExperimentContext, search: (changes: Partial<LeaderboardRequest>) => string): Html {
  const current = request.sort === column.id;
  const descending = current ? !request.descending : firstDirectionIsDescending(column.id, context);
  const arrow = current ? (request.descending ? ' ▼' : ' ▲') : '';
  return html`<th class="${column.kind}${current ? ' sorted' : ''}" data-column="${column.id}"${current ? html` aria-sort="${request.descending ? 'descending' : 'ascending'}"` : ''}>
    <a href="${search({ sort: column.id, descending, page: 1 })}">${column.label}${arrow}</a>
  </th>`;
}

/** A metric column sorts best-first on the first click; everything else ascending. */
function firstDirectionIsDescending(column: LeaderboardColumn, context: ExperimentContext): boolean {
  return (column === 'final' || column === 'best') && context.metric.goal === 'maximize';
}

function filterCell(column: ColumnInfo, request: LeaderboardRequest): Html {
  const active = request.filters.find((f) => f.column === column.id);
  const placeholder = column.kind === 'number' ? '>0.9' : column.id === 'status' ? 'done' : column.id === 'id' ? 'id or its start' : 'value';
  return html`<th class="${column.kind}"><input form="filters" name="${filterInputName(column.id)}" value="${active?.text ?? ''}" placeholder="${placeholder}" aria-label="filter ${column.label}" /></th>`;
}

function leaderboardRow(row: LeaderboardRow, board: Leaderboard): Html {
  const ids = row.members.map((m) => m.id);
  return html`<tr data-run="${ids.join(',')}">
    <td class="select"><input type="checkbox" form="compare" name="run" value="${ids.join(',')}" aria-label="select for comparison" /></td>
    ${board.columns.map((column) => bodyCell(column, row))}
  </tr>`;
}

function bodyCell(column: ColumnInfo, row: LeaderboardRow): Html {
  const id = column.id;
  if (id.startsWith('param:')) return html`<td class="param">${paramValue(row.params[id.slice('param:'.length)])}</td>`;
  const metric = metricKeyOf(id);
  if (metric !== undefined) return html`<td class="number metric">${summaryValue(row.metrics[metric] ?? { mean: null, std: null })}</td>`;
  switch (id) {
    case 'index':
      return html`<td class="number">${row.index}</td>`;
    case 'id':
      return html`<td class="text"><a href="/runs/${row.id}"><code>${row.id}</code></a></td>`;
    case 'seed':
      return html`<td class="number">${row.seed ?? ''}</td>`;
    case 'n':
      return html`<td class="number seeds" title="done runs of this setting / all its runs">${row.n}/${row.members.length}
        <span class="seed-links">${row.members.map((m) => html`<a href="/runs/${m.id}" title="run ${m.id} (${m.status})">s${m.seed}</a>`)}</span>
        ${row.members.length >= 2 && row.members.length <= maxCompared ? html`<a class="compare-seeds" href="${compareHref(row.members.map((m) => [m.id]))}">compare</a>` : ''}
      </td>`;
    case 'status':
      return html`<td class="text">${statusBadge(row.status)}</td>`;
    case 'final':
      return html`<td class="number metric">${summaryValue(row.final)}</td>`;
    case 'best':
      return html`<td class="number metric">${summaryValue(row.best)}</td>`;
    case 'epochs':
      return html`<td class="number">${numberValue(row.epochs, formatCount)}</td>`;
    case 'time':
      return html`<td class="number">${numberValue(row.trainSeconds, formatDuration, 's')}</td>`;
  }
  return html`<td></td>`;
}

function emptyMessage(request: LeaderboardRequest, board: Leaderboard): string {
  if (board.total > 0) return `Page ${board.page} is past the last page (${board.pageCount}).`;
  return request.filters.length > 0 ? 'No row matches these filters.' : 'No runs yet.';
}

function pager(board: Leaderboard, search: (changes: Partial<LeaderboardRequest>) => string): Html {
  const first = (board.page - 1) * board.perPage + 1;
  const last = Math.min(board.total, board.page * board.perPage);
  // Any `per` up to the limit can be asked for in the URL; the selector shows it among its choices.
  const choices = [...new Set<number>([...perPageChoices, board.perPage])].sort((a, b) => a - b);
  const options = choices.map((n) => html`<option value="${n}"${n === board.perPage ? ' selected' : ''}>${n}</option>`);
  const perPage = html`<label class="per-page"><select name="per" form="filters" data-autosubmit aria-label="rows per page">${options}</select> per page</label>`;
  if (board.total === 0) return html`<nav class="pager">${perPage}</nav>`;
  return html`<nav class="pager">
    ${board.page > 1 ? html`<a href="${search({ page: board.page - 1 })}" rel="prev">‹ previous</a>` : html`<span class="muted">‹ previous</span>`}
    <span>${first <= board.total ? `rows ${first}–${last} of ${board.total}` : `${board.total} rows`} · page ${board.page} of ${board.pageCount}</span>
    ${board.page < board.pageCount ? html`<a href="${search({ page: board.page + 1 })}" rel="next">next ›</a>` : html`<span class="muted">next ›</span>`}
    ${perPage}
  </nav>`;
}
