import type { ResultsReader } from '@tlab/core';
import type { ExperimentContexts } from './experiment-context.ts';

/** What every route reads from. */
export interface AppDeps {
  readonly reader: ResultsReader;
  readonly experiments: ExperimentContexts;
}
