import { formatValue, type LeaderboardRow } from '@tlab/core';
import type { ColumnInfo, Leaderboard } from '../models/leaderboard.ts';
import { formatCount, formatSummary } from '../views/format.ts';
import { shownDigits } from '../views/param-chips.ts';
import { markdownTable } from './markdown.ts';

/** The leaderboard's columns a reader of results wants: status and timings are the UI's business. */
const shown = new Set<string>(['index', 'id', 'seed', 'n', 'final', 'best', 'epochs']);

/** The leaderboard page's first rows as a Markdown table, metrics as mean ± std over a setting's finished seeds. */
export function leaderboardSection(board: Leaderboard): string {
  const unit = board.grouped ? 'settings' : 'runs';
  if (board.rows.length === 0) return `No run of this experiment has finished with a value of ${board.metric.key}, so there is no leaderboard yet.`;
  const columns = board.columns.filter((column) => column.kind === 'param' || shown.has(column.id));
  const better = board.metric.goal === 'maximize' ? 'higher' : 'lower';
  const lead = board.rows.length === board.total ? `All ${board.total} ${unit}` : `The best ${board.rows.length} of ${board.total} ${unit}`;
  const spread = board.grouped ? '; metrics are mean ± std over the finished seeds of a setting, and *seeds* counts finished / all its runs' : '';
  return [
    `${lead} with a value of ${board.metric.key}, best first (${better} is better)${spread}.`,
    '',
    markdownTable(
      columns.map((column) => ({ label: column.label, numeric: column.kind === 'number' })),
      board.rows.map((row) => columns.map((column) => cell(column, row))),
    ),
  ].join('\n');
}

function cell(column: ColumnInfo, row: LeaderboardRow): string {
  if (column.kind === 'param') return formatValue(row.params[column.id.slice('param:'.length)], { significant: shownDigits });
  switch (column.id) {
    case 'index':
      return String(row.index);
    case 'id':
      return row.id;
    case 'seed':
      return String(row.seed ?? '');
    case 'n':
      return `${row.n}/${row.members.length}`;
    case 'final':
      return formatSummary(row.final);
    case 'best':
      return formatSummary(row.best);
    case 'epochs':
      return formatCount(row.epochs);
    default:
      return '';
  }
}
