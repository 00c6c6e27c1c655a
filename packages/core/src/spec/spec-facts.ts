import type { MetricSpec } from '../metrics/run-metrics.ts';
import { resolveConfig } from './resolve-config.ts';
import type { ResolvedConfig, Spec, VariantConfig } from './schema.ts';

/**
 * What readers of the results need from a spec besides its text, stored with each spec version
 * when the sweep registers it, so the UI never parses YAML (and an old spec that no longer parses
 * keeps its metric and base values).
 */
export interface SpecFacts {
  readonly description: string;
  readonly metric: MetricSpec;
  /** The config every variant starts from before the sweep sets its values: the spec's own values with defaults, presets by name. */
  readonly base: VariantConfig;
  /** `base` as the engine runs it (presets spelled out, image size as [height, width], weights named). */
  readonly resolvedBase: ResolvedConfig;
}

/** The spec without what belongs to the experiment rather than to a variant (name, description, metric, sweep). */
export function variantBase(spec: Spec): VariantConfig {
  const { name: _name, description: _description, metric: _metric, sweep: _sweep, ...base } = spec;
  return base;
}

export function specFacts(spec: Spec): SpecFacts {
  const base = variantBase(spec);
  return { description: spec.description, metric: spec.metric, base, resolvedBase: resolveConfig(base) };
}
