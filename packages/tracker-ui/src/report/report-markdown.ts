import { runStatuses, type ResultsReader, type RunRow } from '@tlab/core';
import type { ExperimentContext } from '../experiment-context.ts';
import { formatTime } from '../views/format.ts';
import { escapeMarkdown } from './markdown.ts';

export interface ReportSections {
  /** The DB as the user named it: the report says where its numbers come from. */
  readonly db: string;
  readonly generatedAt: Date;
  readonly leaderboard: string;
  readonly effects: string;
  /** Which of forest.svg and curves.svg were drawn (an experiment without effects or epochs has none to draw). */
  readonly forest: boolean;
  readonly curves: boolean;
}

/** The report's README.md: what the experiment is and where it came from, then the tables and plots. */
export function reportMarkdown(reader: ResultsReader, context: ExperimentContext, sections: ReportSections): string {
  const { record, description, metric, paramKeys } = context;
  const better = metric.goal === 'maximize' ? 'higher' : 'lower';
  const runs = reader.runsOf(record.id);
  return [
    `# ${escapeMarkdown(record.name)}`,
    '',
    ...(description === '' ? [] : [escapeMarkdown(description), '']),
    `- **Metric:** ${metric.name} (${metric.goal}; ${better} is better), runs ranked by ${metric.key}`,
    `- **Swept:** ${paramKeys.length === 0 ? 'nothing' : paramKeys.map(escapeMarkdown).join(', ')}`,
    `- **Runs:** ${runCounts(runs)}`,
    ...specLine(reader, record.id),
    ...softwareLine(runs),
    `- **Results DB:** ${escapeMarkdown(sections.db)} (experiment id ${record.id})`,
    `- **Generated:** ${formatTime(sections.generatedAt.toISOString())} by \`tlab report\``,
    '',
    '## Leaderboard',
    '',
    sections.leaderboard,
    '',
    '## Effects against the base',
    '',
    sections.effects,
    ...(sections.forest ? ['', '![Forest plot: each level’s paired Δ against the base with its 95% CI](forest.svg)'] : []),
    ...(sections.curves ? ['', '## Validation curves', '', '![Validation metric per epoch of the leading settings](curves.svg)'] : []),
    '',
  ].join('\n');
}

function runCounts(runs: readonly RunRow[]): string {
  const counts = runStatuses.flatMap((status) => {
    const n = runs.filter((run) => run.status === status).length;
    return n === 0 ? [] : [`${n} ${status}`];
  });
  return runs.length === 0 ? 'none yet' : `${runs.length} (${counts.join(', ')})`;
}

function specLine(reader: ResultsReader, experimentId: number): string[] {
  const versions = reader.specVersionsOf(experimentId);
  const latest = versions.at(-1);
  if (latest === undefined) return [];
  const where = latest.specFile === null ? '' : ` from ${escapeMarkdown(latest.specFile)}`;
  const which = versions.length === 1 ? '' : ` (the latest of ${versions.length} versions)`;
  return [`- **Spec:** sha256 ${latest.specHash}${where}, first seen ${formatTime(latest.firstSeenAt)}${which}`];
}

/** The engines and package versions the finished runs recorded, each distinct one once. */
function softwareLine(runs: readonly RunRow[]): string[] {
  const environments = runs.flatMap((run) => (run.status === 'done' && run.environment !== null ? [run.environment] : []));
  const entries = new Set(environments.flatMap((env) => [...Object.entries(env.versions).map(([name, version]) => `${name} ${version}`), `tfjs ${env.backend} backend`, `frozen part on ${env.frozenEngine}`]));
  return entries.size === 0 ? [] : [`- **Software:** ${[...entries].map(escapeMarkdown).join(', ')}`];
}
