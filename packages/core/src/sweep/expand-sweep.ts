import { canonicalJson } from '../text/canonical-json.ts';
import { explainIssues, type ExplainedIssue } from '../spec/explain-issues.ts';
import type { LoadedSpec } from '../spec/load-spec.ts';
import { presetAsObject, resolveConfig } from '../spec/resolve-config.ts';
import type { PathSegment } from '../spec/schema-path.ts';
import { maxVariants, variantConfigSchema, type ResolvedConfig, type Spec, type VariantConfig } from '../spec/schema.ts';
import { variantBase } from '../spec/spec-facts.ts';
import { throwIfProblems, type SpecProblem } from '../spec/spec-error.ts';
import { startsWith, type LocateSpecPath } from '../spec/spec-locator.ts';
import {
  ablationChoices,
  choicesToCheck,
  distributionOf,
  gridChoices,
  listedSize,
  randomChoices,
  seedChoices,
  withSeeds,
  type Choice,
  type Parameter,
} from './sweep-choices.ts';
import { sweepPathProblem } from './sweep-path.ts';

export interface PlannedVariant {
  /** Position in the plan, 0-based and gap-free after duplicates are dropped. */
  index: number;
  /**
   * Every swept parameter's value in this variant, keyed by parameter path as written in the spec,
   * in declaration order, then `seed` when the sweep gives `seeds` or `repeats`. An ablation's
   * unchanged parameters are at their base value (null where the base leaves the field unset).
   */
  params: Record<string, unknown>;
  config: ResolvedConfig;
}

export interface SweepPlan {
  readonly variants: PlannedVariant[];
  /**
   * Settings a grid or an ablation lists past `run_cap`, in order, without `seed`: W&B runs a grid
   * until run_cap and stops, so a cap below the grid's size cuts it rather than being an error.
   */
  readonly leftOut: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Every variant a spec asks for: the grid's cartesian product, `run_cap` random draws, or the
 * ablation's base config and its one-factor changes (just the base config when nothing is swept),
 * each under every seed of `seeds`/`repeats`. Variants whose configs come out identical (e.g.
 * `augment: none` and an all-zero augment object) run once. Every problem, in any parameter, is
 * thrown together in one SpecError pointing into the spec.
 */
export function expandSweep(loaded: LoadedSpec): SweepPlan {
  const { spec, locate } = loaded;
  const { sweep } = spec;
  const base = variantBase(spec);
  const parameters = Object.entries(sweep.parameters).map(([key, parameter]): Parameter => {
    const node = ['sweep', 'parameters', key];
    const distribution = distributionOf(parameter, (end) => writtenAsInteger(loaded, [...node, end], parameter[end]));
    return { key, path: key.split('.'), spec: parameter, distribution, node };
  });
  const seeds = seedChoices(sweep, spec.seed);
  const problems = new ProblemList(locate);

  const known = parameters.filter((parameter) => {
    const message = sweepPathProblem(parameter.path);
    if (message !== undefined) problems.add(parameter.node, 'TLAB_SWEEP_UNKNOWN_PATH', message, true);
    return message === undefined;
  });
  checkSize(sweep, parameters, seeds.length, problems);
  // `seeds` are in range by the schema; the last of `repeats` is the highest.
  for (const choice of [...known.flatMap(choicesToCheck), ...seeds.slice(-1)]) build(base, [choice], problems);
  problems.throwIfAny();

  const plans =
    sweep.method === 'grid'
      ? gridChoices(parameters)
      : sweep.method === 'ablation'
        ? ablationChoices(parameters, (path) => baseValueAt(base, path))
        : // The schema requires run_cap for random search.
          randomChoices(parameters, spec.seed, sweep.run_cap ?? 0);
  // run_cap counts settings, each under every seed, as it counts random draws.
  const cap = sweep.method === 'random' ? undefined : sweep.run_cap;
  const variants: PlannedVariant[] = [];
  const leftOut: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  let settings = 0;
  for (const plan of plans) {
    const fresh: PlannedVariant[] = [];
    for (const choices of withSeeds([plan], seeds)) {
      // Built even past the cap: a bad listed value is an error wherever it sits in the grid.
      const config = build(base, choices, problems);
      if (config === undefined) continue;
      const key = canonicalJson(config);
      if (seen.has(key)) continue;
      seen.add(key);
      fresh.push({ index: variants.length + fresh.length, params: paramsOf(choices), config });
    }
    if (fresh.length === 0) continue;
    if (cap !== undefined && settings === cap) leftOut.push(paramsOf(plan));
    else {
      settings++;
      variants.push(...fresh);
    }
  }
  problems.throwIfAny();
  return { variants, leftOut };
}

function paramsOf(choices: readonly Choice[]): Record<string, unknown> {
  return Object.fromEntries(choices.map((choice) => [choice.parameter.key, choice.value ?? null]));
}

function checkSize(sweep: Spec['sweep'], parameters: readonly Parameter[], seeds: number, problems: ProblemList): void {
  const cap = sweep.run_cap;
  if (sweep.method === 'random') {
    // run_cap counts draws; each draw runs under every seed.
    const size = (cap ?? 0) * Math.max(seeds, 1);
    if (size > maxVariants) {
      const [what, got] = seeds > 0 ? ['run_cap × seeds', `${cap} × ${seeds} = ${size}`] : ['run_cap', `${cap}`];
      problems.add(['sweep', 'run_cap'], 'TLAB_SWEEP_TOO_LARGE', `expected ${what} of at most ${maxVariants}, got ${got}`);
    }
    return;
  }
  const { size, terms } = listedSize(sweep.method, parameters, seeds);
  if (size > maxVariants) {
    problems.add(['sweep', 'parameters'], 'TLAB_SWEEP_TOO_LARGE', `the ${sweep.method} has ${size} variants (${terms}), more than the limit of ${maxVariants}`);
  }
}

/**
 * Whether a bound is written as an integer, for W&B's choice between int_uniform and uniform: W&B
 * reads `1.0` as a float, but parsed here it is the number 1, so the spec's text decides. A value
 * set with --set is judged by the number.
 */
function writtenAsInteger({ file, text, locate }: LoadedSpec, node: PathSegment[], value: number | undefined): boolean {
  if (value === undefined || !Number.isInteger(value)) return false;
  const where = locate(node);
  if (where.file !== file || where.line === undefined || where.column === undefined) return true;
  const written = /^[^\s,\]}#]*/.exec(text.split('\n')[where.line - 1]?.slice(where.column - 1) ?? '')?.[0] ?? '';
  return !/^[-+]?(\.[0-9]|[0-9]+[.eE])/.test(written);
}

/**
 * A parameter's value in the base config: the spec's own (so `augment` stays the preset name its
 * listed values use), else the resolved config's (a field of a preset, the default weights);
 * undefined where the base leaves the field unset.
 */
function baseValueAt(base: VariantConfig, path: readonly string[]): unknown {
  const at = (root: unknown) => path.reduce<unknown>((node, field) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[field] : undefined), root);
  return at(base) ?? at(resolveConfig(base));
}

type ConfigInput = Record<string, unknown>;

/** The base config with the choices applied, validated and resolved; undefined (problems added) if invalid. */
function build(base: ConfigInput, choices: readonly Choice[], problems: ProblemList): ResolvedConfig | undefined {
  // Shallower paths first, so `augment.rotation_range` refines whatever `augment` was set to.
  // An ablation's base value of a field the base leaves unset stays unset (setting it to undefined
  // would create its section).
  const ordered = choices.filter((choice) => choice.value !== undefined).sort((a, b) => a.parameter.path.length - b.parameter.path.length);
  const input = ordered.reduce((config, choice) => applyChoice(config, choice), base);
  const parsed = variantConfigSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return resolveConfig(parsed.data);
  for (const issue of explainIssues(parsed.error.issues, variantConfigSchema)) problems.addIssue(issue, choices);
  return undefined;
}

function applyChoice(config: ConfigInput, { parameter, value }: Choice): ConfigInput {
  const [section, ...rest] = parameter.path;
  const start = section === 'augment' && rest.length > 0 ? { ...config, augment: presetAsObject(config.augment) ?? config.augment } : config;
  return setIn(start, parameter.path, value);
}

/** A copy of `target` with `value` at `path`; only the objects along the path are copied. */
function setIn(target: unknown, path: readonly string[], value: unknown): ConfigInput {
  const object = typeof target === 'object' && target !== null && !Array.isArray(target) ? (target as ConfigInput) : {};
  const [field, ...rest] = path as [string, ...string[]];
  return { ...object, [field]: rest.length === 0 ? value : setIn(object[field], rest, value) };
}

/** Problems pointed into the spec, each reported once however many variants run into it. */
class ProblemList {
  private readonly problems = new Map<string, SpecProblem>();

  constructor(private readonly locate: LocateSpecPath) {}

  add(node: readonly (string | number)[], code: SpecProblem['code'], message: string, atKey = false): void {
    const problem: SpecProblem = { ...this.locate(node, { key: atKey }), path: node.join('.'), code, message };
    const key = `${problem.file}:${problem.line}:${problem.column} ${problem.path} ${problem.code}`;
    if (!this.problems.has(key)) this.problems.set(key, problem);
  }

  /**
   * Points an issue found in a variant config at the swept value that caused it: inside the value
   * when the issue is within the swept field, else at the value with the issue's own path named.
   */
  addIssue(issue: ExplainedIssue, choices: readonly Choice[]): void {
    const owner = choices
      .filter((choice) => startsWith(issue.path, choice.parameter.path))
      .reduce<Choice | undefined>((deepest, choice) => (deepest !== undefined && deepest.parameter.path.length >= choice.parameter.path.length ? deepest : choice), undefined);
    if (owner !== undefined) {
      const node = [...owner.node, ...issue.path.slice(owner.parameter.path.length)];
      this.add(node, issue.code, owner.drawn ? `${issue.message} (drawn from this range)` : issue.message, issue.atKey);
      return;
    }
    const related = choices.find((choice) => startsWith(choice.parameter.path, issue.path)) ?? (choices.length === 1 ? choices[0] : undefined);
    this.add(related?.node ?? ['sweep', 'parameters'], issue.code, `${issue.path.join('.')}: ${issue.message}`);
  }

  throwIfAny(): void {
    throwIfProblems([...this.problems.values()]);
  }
}
