export { runSweep, type SweepOptions } from './sweep/run-sweep.ts';
export type { PlannedRow, RunHeader, SweepOutcome, SweepReporter } from './sweep/sweep-reporter.ts';
export { defaultRunSettings, resolveRunSettings, type RunSettings, type SettingFlags } from './settings/run-settings.ts';
