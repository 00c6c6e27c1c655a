import { createRandom, deriveSeed, type Random } from '../random/seeded-random.ts';
import type { PathSegment } from '../spec/schema-path.ts';
import type { SweepParameter } from '../spec/schema.ts';

export interface Parameter {
  /** As written under `sweep.parameters`, e.g. `head.dropout`. */
  key: string;
  /** Into the variant config. */
  path: string[];
  spec: SweepParameter;
  /** Into the spec, for pointing at it. */
  node: PathSegment[];
}

/** One parameter's value in one variant, and where in the spec it came from. */
export interface Choice {
  parameter: Parameter;
  value: unknown;
  node: PathSegment[];
  /** Drawn from a min/max range rather than listed by the user. */
  drawn: boolean;
}

export function valueChoice(parameter: Parameter, index: number): Choice {
  // Only called for listed values: the schema refuses min/max ranges in a grid.
  const values = 'values' in parameter.spec ? parameter.spec.values : [];
  return { parameter, value: values[index], node: [...parameter.node, 'values', index], drawn: false };
}

export function gridSize(parameters: readonly Parameter[]): { size: number; counts: number[] } {
  const counts = parameters.map((parameter) => ('values' in parameter.spec ? parameter.spec.values.length : 1));
  return { size: counts.reduce((product, count) => product * count, 1), counts };
}

/** The cartesian product in declaration order, the last parameter varying fastest. */
export function* gridChoices(parameters: readonly Parameter[]): Generator<Choice[]> {
  const { counts } = gridSize(parameters);
  const indices = parameters.map(() => 0);
  for (;;) {
    yield parameters.map((parameter, i) => valueChoice(parameter, indices[i]!));
    let position = parameters.length - 1;
    while (position >= 0 && ++indices[position]! === counts[position]) indices[position--] = 0;
    if (position < 0) return;
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

function drawChoice(parameter: Parameter, random: Random): Choice {
  const { spec } = parameter;
  if ('values' in spec) return valueChoice(parameter, random.int(spec.values.length));
  const value =
    spec.distribution === 'int_uniform'
      ? spec.min + random.int(spec.max - spec.min + 1)
      : spec.distribution === 'log_uniform'
        ? Math.exp(random.uniform(Math.log(spec.min), Math.log(spec.max)))
        : random.uniform(spec.min, spec.max);
  return { parameter, value, node: parameter.node, drawn: true };
}

/** The choices to validate before expanding: every listed value, and the range ends that can be drawn. */
export function choicesToCheck(parameter: Parameter): Choice[] {
  const { spec, node } = parameter;
  if ('values' in spec) return spec.values.map((_, index) => valueChoice(parameter, index));
  const ends = spec.distribution === 'int_uniform' ? (['min', 'max'] as const) : (['min'] as const);
  return ends.map((end) => ({ parameter, value: spec[end], node: [...node, end], drawn: false }));
}
