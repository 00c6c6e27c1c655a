import path from 'node:path';
import { writeReport } from '@tlab/tracker-ui';
import type { CliArgs } from './parse-args.ts';
import type { Output } from './output.ts';

/** `tlab report`: the tracker UI's views of one experiment, written as Markdown and SVG for a paper or a README. */
export function runReportCommand(args: Extract<CliArgs, { command: 'report' }>, out: Output): number {
  const report = writeReport({ db: args.db, experiment: args.experiment, out: args.out });
  out.write(`Wrote the report of ${report.experiment.name} (id ${report.experiment.id}) to ${report.dir}: ${report.files.map((f) => path.basename(f)).join(', ')}\n`);
  return 0;
}
