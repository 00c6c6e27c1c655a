import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openResultsReader, prepareFolderFor } from '@tlab/core';
import { createExperimentContexts, type ExperimentContext } from '../experiment-context.ts';
import { loadEffects, parseEffectsRequest } from '../models/effects.ts';
import { filterInputName, loadLeaderboard, parseLeaderboardRequest, type LeaderboardRequest } from '../models/leaderboard.ts';
import { curvesChart } from './curves-chart.ts';
import { effectsSection } from './effects-section.ts';
import { findExperiment } from './find-experiment.ts';
import { forestChart } from './forest-chart.ts';
import { leaderboardSection } from './leaderboard-section.ts';
import { renderSvg } from './render-svg.ts';
import { reportMarkdown } from './report-markdown.ts';

export interface ReportOptions {
  /** The results DB; opened read-only, so a sweep may be writing it. */
  readonly db: string;
  /** An experiment's exact name or its id. */
  readonly experiment: string;
  /** The folder to write, created if missing; `tlab-report-<experiment name>` in the working directory unless given. */
  readonly out?: string;
}

export interface WrittenReport {
  readonly experiment: { readonly id: number; readonly name: string };
  readonly dir: string;
  /** Absolute paths, README.md first, then the plots there was something to draw for. */
  readonly files: readonly string[];
}

/** Leaderboard rows in the report: an appendix's worth; the UI has the rest. */
const leaderboardRows = 10;

/**
 * A Markdown report of one experiment (README.md with the leaderboard and the effects table,
 * forest.svg, curves.svg): the UI's leaderboard, ablation and compare views, offline and pasteable.
 */
export function writeReport({ db, experiment, out }: ReportOptions): WrittenReport {
  const reader = openResultsReader(db);
  try {
    const record = findExperiment(reader, experiment);
    const context = createExperimentContexts(reader).load(record.id);
    const board = loadLeaderboard(reader, context, scoredRequest(context));
    const effects = loadEffects(reader, context, parseEffectsRequest({}));
    const forest = forestChart(effects);
    const curves = curvesChart(reader, context, board.rows);
    const readme = reportMarkdown(reader, context, {
      db,
      generatedAt: new Date(),
      leaderboard: leaderboardSection(board),
      effects: effectsSection(effects, context.seedsSwept),
      forest: forest !== null,
      curves: curves !== null,
    });
    // Everything is rendered before the first file is written: a failure leaves the folder as it was.
    const files: Array<[name: string, text: string | null]> = [
      ['README.md', readme],
      ['forest.svg', forest === null ? null : renderSvg(forest)],
      ['curves.svg', curves === null ? null : renderSvg(curves)],
    ];
    const dir = path.resolve(out ?? `tlab-report-${record.name.replace(/[^\w.-]+/g, '-')}`);
    prepareFolderFor('--out', dir, 'hold the report');
    const written = files.flatMap(([name, text]) => {
      const file = path.join(dir, name);
      // A plot left from an earlier report of this folder would contradict this one.
      if (text === null) rmSync(file, { force: true });
      else writeAtomically(file, text);
      return text === null ? [] : [file];
    });
    return { experiment: { id: record.id, name: record.name }, dir, files: written };
  } finally {
    reader.close();
  }
}

/** The leaderboard page's default view (seed groups when seeds are swept, best first), only rows with a value of the metric. */
function scoredRequest(context: ExperimentContext): LeaderboardRequest {
  const per = String(leaderboardRows);
  const { sort } = parseLeaderboardRequest(context, { per });
  return parseLeaderboardRequest(context, { per, [filterInputName(sort)]: '!=null' });
}

/** A reader of the folder sees the old file or the new one, never half of one. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
