import { createRandom, deriveSeed, type Random } from '../random/seeded-random.ts';
import type { PathSegment } from '../spec/schema-path.ts';
import type { Spec, SweepDistribution, SweepParameter } from '../spec/schema.ts';

export interface Parameter {
  /** As written under `sweep.parameters`, e.g. `head.dropout`. */
  key: string;
  /** Into the variant config. */
  path: string[];
  spec: SweepParameter;
  /** What the parameter draws from, as named or as W&B infers it (see `distributionOf`); undefined when it lists its values. */
  distribution?: SweepDistribution;
  /** Into the spec, for pointing at it. */
  node: PathSegment[];
}

/** One parameter's value in one variant, and where in the spec it came from. */
export interface Choice {
  parameter: Parameter;
  /** Undefined only for an ablation's base value of a field the base config leaves unset. */
  value: unknown;
  node: PathSegment[];
  /** Drawn from a distribution rather than listed by the user. */
  drawn: boolean;
}

/**
 * W&B's rule for min and max without a `distribution`: int_uniform when both are integers, else
 * uniform. "Integer" is as written (W&B reads `1.0` as a float), which the caller judges from the
 * spec's text. Undefined for a parameter that lists its values.
 */
export function distributionOf(spec: SweepParameter, writtenAsInteger: (end: 'min' | 'max') => boolean): SweepDistribution | undefined {
  if (spec.distribution !== undefined || spec.min === undefined) return spec.distribution;
  return writtenAsInteger('min') && writtenAsInteger('max') ? 'int_uniform' : 'uniform';
}

/** The values a parameter lists, each with where it is written: `values`, or `value` as a list of one; none for a distribution. */
export function listedChoices(parameter: Parameter): Choice[] {
  const { spec, node } = parameter;
  if (spec.values !== undefined) return spec.values.map((value, index) => ({ parameter, value, node: [...node, 'values', index], drawn: false }));
  return spec.value === undefined ? [] : [{ parameter, value: spec.value, node: [...node, 'value'], drawn: false }];
}

/**
 * How many variants a grid or an ablation lists (before identical configs are merged, seeds
 * included), and the product or sum that makes the number, for messages. The schema refuses
 * distributions in both, so every parameter lists its values.
 */
export function listedSize(method: 'grid' | 'ablation', parameters: readonly Parameter[], seeds: number): { size: number; terms: string } {
  const seedTerm = seeds > 0 ? [`${seeds} seeds`] : [];
  const perSeed = Math.max(seeds, 1);
  if (method === 'grid') {
    const counts = parameters.map((parameter) => listedChoices(parameter).length);
    return { size: counts.reduce((product, count) => product * count, perSeed), terms: [...counts, ...seedTerm].join(' × ') };
  }
  const varied = parameters.flatMap((parameter) => (parameter.spec.values === undefined ? [] : [parameter.spec.values.length]));
  const sum = ['1 base', ...varied].join(' + ');
  return { size: varied.reduce((total, count) => total + count, 1) * perSeed, terms: seeds > 0 ? `(${sum}) × ${seeds} seeds` : sum };
}

/** The cartesian product in declaration order, the last parameter varying fastest. */
export function* gridChoices(parameters: readonly Parameter[]): Generator<Choice[]> {
  const lists = parameters.map(listedChoices);
  const indices = parameters.map(() => 0);
  for (;;) {
    yield lists.map((list, i) => list[indices[i]!]!);
    let position = parameters.length - 1;
    while (position >= 0 && ++indices[position]! === lists[position]!.length) indices[position--] = 0;
    if (position < 0) return;
  }
}

/**
 * One factor at a time: the base config, then each listed value of each parameter in declaration
 * order with every other parameter at its base. The base choices are applied too, so that every
 * variant's `params` names every parameter and a field (`augment.rotation_range`) keeps its base
 * value under another level of its section (`augment: light`), as in a grid. A `value` is part of
 * every variant, the base included; a listed value equal to the base comes out as the base config
 * again, and the caller's merging of identical configs drops it.
 */
export function* ablationChoices(parameters: readonly Parameter[], baseValue: (path: readonly string[]) => unknown): Generator<Choice[]> {
  const lists = parameters.map(listedChoices);
  const base = parameters.map((parameter, i): Choice =>
    parameter.spec.value === undefined ? { parameter, value: baseValue(parameter.path), node: parameter.node, drawn: false } : lists[i]![0]!,
  );
  yield base;
  for (const [i, parameter] of parameters.entries()) {
    if (parameter.spec.values === undefined) continue;
    for (const choice of lists[i]!) yield base.with(i, choice);
  }
}

/**
 * `count` independent draws. Each (draw, parameter) gets its own stream derived from the spec seed,
 * so adding or removing a parameter leaves the other parameters' draws unchanged.
 */
export function* randomChoices(parameters: readonly Parameter[], seed: number, count: number): Generator<Choice[]> {
  for (let draw = 0; draw < count; draw++) {
    yield parameters.map((parameter) => drawChoice(parameter, createRandom(deriveSeed(seed, 'sweep', draw, parameter.key))));
  }
}

/**
 * `sweep.seeds`, or `repeats` seeds counting up from the spec's, as the choices of one more
 * parameter, `seed`; none when the sweep gives neither.
 */
export function seedChoices({ seeds, repeats = 0 }: Spec['sweep'], specSeed: number): Choice[] {
  const values = seeds ?? Array.from({ length: repeats }, (_, i) => specSeed + i);
  const node = ['sweep', seeds === undefined ? 'repeats' : 'seeds'];
  const parameter: Parameter = { key: 'seed', path: ['seed'], spec: { values }, node };
  return values.map((value, index) => ({ parameter, value, node: seeds === undefined ? node : [...node, index], drawn: false }));
}

/** Every variant under each seed, the seed varying fastest, as if `seed` were the last parameter of a grid. */
export function* withSeeds(plans: Iterable<Choice[]>, seeds: readonly Choice[]): Generator<Choice[]> {
  for (const choices of plans) {
    if (seeds.length === 0) yield choices;
    for (const seed of seeds) yield [...choices, seed];
  }
}

function drawChoice(parameter: Parameter, random: Random): Choice {
  const { spec, distribution, node } = parameter;
  if (distribution !== undefined) return { parameter, value: drawNumber(spec, distribution, random), node, drawn: true };
  const listed = listedChoices(parameter);
  return listed[pickIndex(listed.length, spec.probabilities, random)]!;
}

function pickIndex(count: number, probabilities: readonly number[] | undefined, random: Random): number {
  if (probabilities === undefined) return random.int(count);
  // The schema lets the sum be off 1 by rounding; scaling by it keeps the last value reachable.
  let u = random.next() * probabilities.reduce((total, p) => total + p, 0);
  for (const [index, p] of probabilities.entries()) {
    if (u < p) return index;
    u -= p;
  }
  return probabilities.findLastIndex((p) => p > 0);
}

/** One draw, as W&B defines each distribution (W&B's defaults: q 1, mu 0, sigma 1). */
function drawNumber(spec: SweepParameter, distribution: SweepDistribution, random: Random): number {
  const { q = 1, mu = 0, sigma = 1 } = spec;
  // The schema requires min and max for every distribution but the normal ones, which do not read them.
  const [min, max] = [spec.min ?? NaN, spec.max ?? NaN];
  const logUniformValues = () => Math.exp(random.uniform(Math.log(min), Math.log(max)));
  switch (distribution) {
    case 'uniform':
      return random.uniform(min, max);
    case 'int_uniform':
      return min + random.int(max - min + 1);
    case 'q_uniform':
      return quantize(random.uniform(min, max), q);
    case 'log_uniform':
      return Math.exp(random.uniform(min, max));
    case 'log_uniform_values':
      return logUniformValues();
    case 'q_log_uniform_values':
      return quantize(logUniformValues(), q);
    case 'normal':
      return gaussian(mu, sigma, random);
    case 'q_normal':
      return quantize(gaussian(mu, sigma, random), q);
    case 'log_normal':
      return Math.exp(gaussian(mu, sigma, random));
    case 'q_log_normal':
      return quantize(Math.exp(gaussian(mu, sigma, random)), q);
  }
}

/**
 * round(x / q) · q, as W&B. toPrecision drops the binary noise of the product (3 × 0.1 is
 * 0.30000000000000004), so the value stored, shown and hashed is the multiple itself.
 */
function quantize(x: number, q: number): number {
  return Number((Math.round(x / q) * q).toPrecision(15));
}

/** Box–Muller; 1 - next() is in (0, 1], so the logarithm is finite. */
function gaussian(mu: number, sigma: number, random: Random): number {
  const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
  return mu + sigma * radius * Math.cos(2 * Math.PI * random.next());
}

/** A generator stuck at one number, to compute what a draw gives at the ends of the generator's range. */
function fixedRandom(u: number): Random {
  return { next: () => u, uniform: (min, max) => min + (max - min) * u, int: (n) => Math.floor(n * u) };
}

/**
 * The choices to validate before expanding, so a problem points at what the user wrote: every
 * listed value, and the values a distribution can reach at the ends of its range, computed by
 * drawing with the lowest and highest numbers the generator returns so that every transform
 * (exp, rounding to q) applies. A continuous draw never reaches its `max`, so only the discrete
 * distributions have their top checked; a normal one has no ends and is checked at its centre.
 * Draws outside these are still validated one by one.
 */
export function choicesToCheck(parameter: Parameter): Choice[] {
  const { spec, node, distribution } = parameter;
  if (distribution === undefined) return listedChoices(parameter);
  const discrete = distribution === 'int_uniform' || distribution.startsWith('q_');
  const ends = spec.min === undefined ? (['mu'] as const) : discrete ? (['min', 'max'] as const) : (['min'] as const);
  return ends.map((end) => {
    const value = drawNumber(spec, distribution, fixedRandom(end === 'max' ? 1 - 2 ** -53 : 0));
    return { parameter, value, node: spec[end] === undefined ? node : [...node, end], drawn: value !== spec[end] };
  });
}
