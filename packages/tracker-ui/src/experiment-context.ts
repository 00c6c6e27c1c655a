import { defaultMetric, experimentMetric, maxDescriptionLength, maxSpecBytes, type ExperimentMetric, type ExperimentRecord, type ResultsReader, type SpecFacts } from '@tlab/core';
import { notFound } from './http-error.ts';

/** What every experiment page needs to know beyond the runs: how it is scored and what was swept. */
export interface ExperimentContext {
  readonly record: ExperimentRecord;
  readonly description: string;
  readonly metric: ExperimentMetric;
  /** Swept parameter keys in spec order, `seed` included when it is swept. */
  readonly paramKeys: readonly string[];
  /** The swept keys that are settings rather than replicates: everything but `seed`. */
  readonly factors: readonly string[];
  readonly seedsSwept: boolean;
  /** The latest spec's text, null if the experiment has none recorded. */
  readonly specText: string | null;
  /** The value the latest spec gives `key` outside its sweep, defaults applied; undefined if unknown. */
  baseValue(key: string): { readonly value: unknown } | undefined;
}

export interface ExperimentContexts {
  /** Throws a 404 HTTPException for an id that names no experiment. */
  load(id: string | number): ExperimentContext;
}

export function createExperimentContexts(reader: ResultsReader): ExperimentContexts {
  return {
    load(id) {
      const numeric = typeof id === 'number' ? id : /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
      const record = numeric === undefined ? undefined : reader.experiment(numeric);
      if (record === undefined) throw notFound(`experiment ${id}`);
      const latest = reader.specVersionsOf(record.id).at(-1);
      const facts = latest?.facts ?? null;
      const paramKeys = reader.paramKeys(record.id);
      return {
        record,
        description: shortened(facts?.description ?? '', maxDescriptionLength),
        metric: experimentMetric(facts?.metric ?? defaultMetric),
        paramKeys,
        factors: paramKeys.filter((key) => key !== 'seed'),
        seedsSwept: paramKeys.includes('seed'),
        specText: latest === undefined ? null : shortened(latest.specText, maxSpecBytes),
        baseValue: (key) => (facts === null ? undefined : baseValueOf(facts, key)),
      };
    },
  };
}

/**
 * Text as a spec may hold it now, for DBs written before specs were bounded: a 50 MB description
 * made a 50 MB experiments page and a 100 MB API answer.
 */
function shortened(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters not shown)`;
}

/**
 * The spec's own value where it has one (so `augment` stays the preset name the sweep's levels use),
 * else the resolved config's (so `augment.rotation_range` under a preset finds the preset's field).
 */
function baseValueOf(facts: SpecFacts, key: string): { value: unknown } | undefined {
  const path = key.split('.');
  return valueAt(facts.base, path) ?? valueAt(facts.resolvedBase, path);
}

function valueAt(root: unknown, path: readonly string[]): { value: unknown } | undefined {
  let node = root;
  for (const field of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, field)) return undefined;
    node = (node as Record<string, unknown>)[field];
  }
  return node === undefined ? undefined : { value: node };
}

