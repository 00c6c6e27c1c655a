import { ExperimentNotFoundError, type ExperimentRecord, type ResultsReader } from '@tlab/core';

/**
 * The experiment `wanted` names: its exact name first (a name is what `tlab sweep` printed, and
 * one may be all digits), else its numeric id as the UI's URLs show it.
 */
export function findExperiment(reader: ResultsReader, wanted: string): ExperimentRecord {
  const experiments = reader.listExperiments();
  const byName = experiments.find((e) => e.name === wanted);
  const id = byName?.id ?? (/^[1-9][0-9]{0,15}$/.test(wanted) ? Number(wanted) : undefined);
  const record = id === undefined ? undefined : reader.experiment(id);
  if (record === undefined) throw new ExperimentNotFoundError(reader.file, wanted, experiments);
  return record;
}
