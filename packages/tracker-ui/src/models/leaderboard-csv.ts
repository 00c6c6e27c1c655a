import { metricKeyOf, timingKeys, toCsv } from '@tlab/core';
import type { Leaderboard } from './leaderboard.ts';

/** The leaderboard as a spreadsheet: swept values as they are, metrics unformatted, chosen metrics last. */
export function leaderboardCsv(board: Leaderboard): string {
  const params = board.columns.filter((c) => c.kind === 'param').map((c) => c.label);
  const metrics = board.columns.map((c) => metricKeyOf(c.id)).filter((key) => key !== undefined);
  const { finalKey, bestKey } = board.metric;
  const bestColumns = bestKey === null ? [] : [bestKey];
  if (board.grouped) {
    const header = ['index', 'run_ids', 'seeds', ...params, 'n', 'runs', 'status', finalKey, `${finalKey}_std`];
    return toCsv([
      [...header, ...bestColumns.flatMap((c) => [c, `${c}_std`]), 'epochs', timingKeys.train, ...metrics.flatMap((key) => [key, `${key}_std`])],
      ...board.rows.map((row) => [
        row.index,
        row.members.map((m) => m.id).join(' '),
        row.members.map((m) => m.seed).join(' '),
        ...params.map((key) => row.params[key]),
        row.n,
        row.members.length,
        row.status,
        row.final.mean,
        row.final.std,
        ...(bestColumns.length > 0 ? [row.best.mean, row.best.std] : []),
        row.epochs,
        row.trainSeconds,
        ...metrics.flatMap((key) => [row.metrics[key]?.mean, row.metrics[key]?.std]),
      ]),
    ]);
  }
  return toCsv([
    ['index', 'run_id', ...params, 'seed', 'status', finalKey, ...bestColumns, 'epochs', timingKeys.train, ...metrics],
    ...board.rows.map((row) => [
      row.index,
      row.id,
      ...params.map((key) => row.params[key]),
      row.seed,
      row.status,
      row.final.mean,
      ...(bestColumns.length > 0 ? [row.best.mean] : []),
      row.epochs,
      row.trainSeconds,
      ...metrics.map((key) => row.metrics[key]?.mean),
    ]),
  ]);
}
