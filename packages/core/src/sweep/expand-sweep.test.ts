import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/load-spec.ts';
import { augmentPresets, maxVariants } from '../spec/schema.ts';
import { SpecError } from '../spec/spec-error.ts';
import { expandSweep } from './expand-sweep.ts';
import { variantId } from './variant-id.ts';

const header = `name: sweep
seed: 42
data: { builtin: { name: mnist, classes: ['3', '8'] }, image_size: 75 }
head: { pooling: avg, dropout: 0.2 }
augment: none
`;

/** A spec whose `sweep:` section is `sweep` (indented by the caller as it would be in the file). */
const expand = (sweep: string, overrides: string[] = []) => expandSweep(parseSpec(`${header}sweep:\n${sweep}`, 'experiments/s.yaml', { overrides })).variants;

function problemsOf(sweep: string) {
  try {
    expand(sweep);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).problems;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}

describe('expandSweep: grid', () => {
  it('gives the base config alone when nothing is swept', () => {
    const variants = expandSweep(parseSpec(header, 'x.yaml')).variants;
    expect(variants).toHaveLength(1);
    expect(variants[0]!.index).toBe(0);
    expect(variants[0]!.params).toEqual({});
    expect(variants[0]!.config.head.dropout).toBe(0.2);
    expect(variants[0]!.config.augment).toEqual(augmentPresets.none);
    expect(variants[0]!.config.data.image_size).toEqual([75, 75]);
  });

  it('takes the cartesian product in declaration order, the last parameter varying fastest', () => {
    const variants = expand(`  parameters:
    head.dropout: { values: [0.0, 0.5] }
    backbone.cutoff: { values: [mixed5, mixed6, mixed7] }
`);
    expect(variants.map((v) => v.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(variants.map((v) => [v.params['head.dropout'], v.params['backbone.cutoff']])).toEqual([
      [0, 'mixed5'],
      [0, 'mixed6'],
      [0, 'mixed7'],
      [0.5, 'mixed5'],
      [0.5, 'mixed6'],
      [0.5, 'mixed7'],
    ]);
    expect(variants.map((v) => [v.config.head.dropout, v.config.backbone.cutoff])).toEqual(
      variants.map((v) => [v.params['head.dropout'], v.params['backbone.cutoff']]),
    );
    // Everything not swept comes from the spec.
    expect(variants.every((v) => v.config.head.pooling === 'avg' && v.config.seed === 42)).toBe(true);
  });

  it('sweeps a whole section over preset names and objects, resolving each', () => {
    const variants = expand(`  parameters:
    augment: { values: [light, { rotation_range: 10 }] }
    data.image_size: { values: [64, [64, 96]] }
`);
    expect(variants.map((v) => [v.config.augment, v.config.data.image_size])).toEqual([
      [augmentPresets.light, [64, 64]],
      [augmentPresets.light, [64, 96]],
      [{ ...augmentPresets.none, rotation_range: 10 }, [64, 64]],
      [{ ...augmentPresets.none, rotation_range: 10 }, [64, 96]],
    ]);
    expect(variants[0]!.params).toEqual({ augment: 'light', 'data.image_size': 64 });
  });

  it('applies a field of a section on top of the swept section, whatever the declaration order', () => {
    const variants = expand(`  parameters:
    augment.rotation_range: { values: [5] }
    augment: { values: [course, light] }
`);
    expect(variants.map((v) => v.config.augment)).toEqual([
      { ...augmentPresets.course, rotation_range: 5 },
      { ...augmentPresets.light, rotation_range: 5 },
    ]);
  });

  it('sweeps into an optional section that the spec leaves out', () => {
    const variants = expand(`  parameters:
    train.early_stopping.patience: { values: [2, 5] }
`);
    expect(variants.map((v) => v.config.train.early_stopping)).toEqual([
      { monitor: 'val_loss', patience: 2, min_delta: 0 },
      { monitor: 'val_loss', patience: 5, min_delta: 0 },
    ]);
  });

  it('runs values that resolve to the same config once, keeping the first', () => {
    const variants = expand(`  parameters:
    augment: { values: [none, {}, { rotation_range: 0 }, light] }
    seed: { values: [1, 1.0] }
`);
    expect(variants.map((v) => [v.index, v.params])).toEqual([
      [0, { augment: 'none', seed: 1 }],
      [1, { augment: 'light', seed: 1 }],
    ]);
  });

  it('expands a 10,000-variant grid', () => {
    const tens = (f: (i: number) => number) => `[${Array.from({ length: 10 }, (_, i) => f(i)).join(', ')}]`;
    const variants = expand(`  run_cap: 10000
  parameters:
    head.dropout: { values: ${tens((i) => i / 10)} }
    train.learning_rate: { values: ${tens((i) => (i + 1) / 1000)} }
    head.units: { values: ${tens((i) => 2 ** i)} }
    augment.rotation_range: { values: ${tens((i) => i * 10)} }
`);
    expect(variants).toHaveLength(10_000);
    expect(variants[9_999]!.params).toEqual({ 'head.dropout': 0.9, 'train.learning_rate': 0.01, 'head.units': 512, 'augment.rotation_range': 90 });
    expect(new Set(variants.map((v) => JSON.stringify(v.config))).size).toBe(10_000);
  });
});

describe('expandSweep: random', () => {
  const random = (seed: number, runCap = 20) =>
    expandSweep(
      parseSpec(
        `${header.replace('seed: 42', `seed: ${seed}`)}sweep:
  method: random
  run_cap: ${runCap}
  parameters:
    head.dropout: { min: 0.1, max: 0.6 }
    train.learning_rate: { min: 0.00001, max: 0.01, distribution: log_uniform_values }
    train.epochs: { min: 1, max: 4, distribution: int_uniform }
    backbone.cutoff: { values: [mixed5, mixed6, mixed7] }
`,
        'r.yaml',
      ),
    ).variants;

  it('draws run_cap variants within each range', () => {
    const variants = random(42);
    expect(variants).toHaveLength(20);
    for (const { config } of variants) {
      expect(config.head.dropout).toBeGreaterThanOrEqual(0.1);
      expect(config.head.dropout).toBeLessThan(0.6);
      expect(config.train.learning_rate).toBeGreaterThanOrEqual(0.00001);
      expect(config.train.learning_rate).toBeLessThan(0.01);
      expect([1, 2, 3, 4]).toContain(config.train.epochs);
      expect(['mixed5', 'mixed6', 'mixed7']).toContain(config.backbone.cutoff);
    }
    // log_uniform_values spreads over orders of magnitude, not just the top one.
    expect(variants.some((v) => v.config.train.learning_rate < 0.0001)).toBe(true);
    expect(new Set(variants.map((v) => v.config.train.epochs)).size).toBeGreaterThan(1);
  });

  it('draws the same variants for the same seed and others for another seed', () => {
    expect(random(42)).toEqual(random(42));
    expect(random(43).map((v) => v.params)).not.toEqual(random(42).map((v) => v.params));
  });

  it('keeps the first draws when run_cap grows', () => {
    expect(random(42, 30).slice(0, 20)).toEqual(random(42, 20));
  });

  it('runs identical draws once', () => {
    const variants = expand(`  method: random
  run_cap: 50
  parameters:
    head.pooling: { values: [avg, max] }
`);
    expect(variants.map((v) => v.config.head.pooling).sort()).toEqual(['avg', 'max']);
  });
});

describe('expandSweep: W&B parameters', () => {
  const drawn = (range: string) =>
    expand(`  method: random
  run_cap: 30
  parameters:
    augment.rotation_range: ${range}
`).map((v) => v.config.augment.rotation_range);

  it('draws integers between min and max written as integers, and numbers when either is written as a float, as W&B', () => {
    const integers = drawn('{ min: 0, max: 40 }');
    expect(integers.every(Number.isInteger)).toBe(true);
    expect(new Set(integers).size).toBeGreaterThan(5);
    for (const range of ['{ min: 0.0, max: 40 }', '{ min: 0, max: 40.0 }', '{ min: 0, max: 4e1 }', '{ min: 0.5, max: 40 }', '{ distribution: uniform, min: 0, max: 40 }']) {
      expect(drawn(range).some((x) => !Number.isInteger(x)), range).toBe(true);
    }
  });

  it('takes the min and max of log_uniform as natural logs: -9.21 to -4.6 draws learning rates of 1e-4 to 1e-2', () => {
    const rates = expand(`  method: random
  run_cap: 50
  parameters:
    train.learning_rate: { distribution: log_uniform, min: -9.21, max: -4.6 }
`).map((v) => v.config.train.learning_rate);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...rates)).toBeLessThan(1.01e-2);
    expect(rates.some((rate) => rate < 1e-3)).toBe(true);
  });
});

describe('expandSweep: ablation', () => {
  it('runs the base config, then each listed value with the others at their base, a value equal to the base once', () => {
    const variants = expand(`  method: ablation
  parameters:
    head.dropout: { values: [0.0, 0.2, 0.5] }
    head.units: { values: [8, 16] }
`);
    // The base dropout (0.2, from the spec) is listed, the base units (1024, the default) are not.
    expect(variants.map((v) => [v.index, v.params])).toEqual([
      [0, { 'head.dropout': 0.2, 'head.units': 1024 }],
      [1, { 'head.dropout': 0, 'head.units': 1024 }],
      [2, { 'head.dropout': 0.5, 'head.units': 1024 }],
      [3, { 'head.dropout': 0.2, 'head.units': 8 }],
      [4, { 'head.dropout': 0.2, 'head.units': 16 }],
    ]);
    expect(variants.map((v) => [v.config.head.dropout, v.config.head.units])).toEqual(variants.map((v) => [v.params['head.dropout'], v.params['head.units']]));
    expect(variants[0]!.config).toEqual(expandSweep(parseSpec(header, 'x.yaml')).variants[0]!.config);
  });

  it("takes base values from the spec, else from its resolved config, and null where the base leaves a field unset", () => {
    const variants = expand(`  method: ablation
  parameters:
    augment: { values: [light] }
    augment.rotation_range: { values: [30] }
    train.early_stopping.patience: { values: [2] }
`);
    expect(variants.map((v) => v.params)).toEqual([
      { augment: 'none', 'augment.rotation_range': 0, 'train.early_stopping.patience': null },
      { augment: 'light', 'augment.rotation_range': 0, 'train.early_stopping.patience': null },
      { augment: 'none', 'augment.rotation_range': 30, 'train.early_stopping.patience': null },
      { augment: 'none', 'augment.rotation_range': 0, 'train.early_stopping.patience': 2 },
    ]);
    // The base has no early stopping, and only the variant that sets it gets one.
    expect(variants.map((v) => v.config.train.early_stopping?.patience)).toEqual([undefined, undefined, undefined, 2]);
    // A field keeps its base value under another level of its section, as in a grid.
    expect(variants[1]!.config.augment).toEqual({ ...augmentPresets.light, rotation_range: 0 });
  });

  it('sets a `value` in every variant, the base included, as a grid does', () => {
    const sweep = (method: string) =>
      expand(`  method: ${method}
  parameters:
    head.units: { value: 64 }
    head.dropout: { values: [0.5] }
`).map((v) => [v.params, v.config.head.units]);
    expect(sweep('ablation')).toEqual([
      [{ 'head.units': 64, 'head.dropout': 0.2 }, 64],
      [{ 'head.units': 64, 'head.dropout': 0.5 }, 64],
    ]);
    expect(sweep('grid')).toEqual([[{ 'head.units': 64, 'head.dropout': 0.5 }, 64]]);
  });
});

describe('expandSweep: seeds and repeats', () => {
  it('runs every ablation variant under each seed, the seed last in params and varying fastest', () => {
    const variants = expand(`  method: ablation
  seeds: [1, 2]
  parameters:
    head.dropout: { values: [0.2, 0.5] }
`);
    expect(variants.map((v) => v.params)).toEqual([
      { 'head.dropout': 0.2, seed: 1 },
      { 'head.dropout': 0.2, seed: 2 },
      { 'head.dropout': 0.5, seed: 1 },
      { 'head.dropout': 0.5, seed: 2 },
    ]);
    expect(variants.map((v) => v.config.seed)).toEqual([1, 2, 1, 2]);
    // Two seed groups (configs that differ only in seed), each variant with an id of its own.
    expect(new Set(variants.map(({ config: { seed: _seed, ...rest } }) => JSON.stringify(rest))).size).toBe(2);
    const ids = variants.map(({ config }) => variantId({ experiment: 'sweep', config, datasetFingerprint: 'd', weightsHash: 'w' }));
    expect(new Set(ids).size).toBe(4);
  });

  it("counts `repeats` seeds up from the spec's seed, crossed with a grid", () => {
    const variants = expand(`  repeats: 3
  parameters:
    head.units: { values: [8, 16] }
`);
    expect(variants.map((v) => [v.params['head.units'], v.params['seed'], v.config.seed])).toEqual([
      [8, 42, 42],
      [8, 43, 43],
      [8, 44, 44],
      [16, 42, 42],
      [16, 43, 43],
      [16, 44, 44],
    ]);
  });

  it('runs each random draw under each seed, drawing what it draws without seeds', () => {
    const random = (seeds: string) =>
      expand(`  method: random
  run_cap: 5${seeds}
  parameters:
    head.dropout: { min: 0.1, max: 0.6 }
`);
    const seeded = random('\n  seeds: [7, 8, 9]');
    expect(seeded).toHaveLength(15);
    expect(seeded.map((v) => v.params)).toEqual(random('').flatMap((v) => [7, 8, 9].map((seed) => ({ ...v.params, seed }))));
  });
});

describe('expandSweep: problems', () => {
  it('refuses unknown and unsweepable paths with a did-you-mean, at the parameter key', () => {
    const problems = problemsOf(`  parameters:
    head.dropuot: { values: [0.1] }
    metric.name: { values: [loss] }
    train.epochs.max: { values: [1] }
`);
    expect(problems.map((p) => [p.code, p.path, p.line, p.column, p.message])).toEqual([
      [
        'TLAB_SWEEP_UNKNOWN_PATH',
        'sweep.parameters.head.dropuot',
        8,
        5,
        'head has no field "dropuot", did you mean "dropout"? (expected one of: pooling, units, activation, dropout)',
      ],
      [
        'TLAB_SWEEP_UNKNOWN_PATH',
        'sweep.parameters.metric.name',
        9,
        5,
        '"metric" belongs to the experiment, not to a variant, so it cannot be swept (sweepable: seed, data, backbone, head, train, augment)',
      ],
      ['TLAB_SWEEP_UNKNOWN_PATH', 'sweep.parameters.train.epochs.max', 10, 5, 'train.epochs is a single value, it has no field "max"'],
    ]);
  });

  it('points at each invalid swept value, inside objects too, and reports them all at once', () => {
    const problems = problemsOf(`  method: random
  run_cap: 4
  parameters:
    head.dropout: { values: [0.1, 1.5] }
    augment:
      values:
        - light
        - { rotation_range: 400, flip: true }
    train.epochs: { min: 0, max: 3, distribution: int_uniform }
`);
    expect(problems.map((p) => [p.code, p.path, p.line, p.column, p.message])).toEqual([
      ['TLAB_SPEC_INVALID', 'sweep.parameters.head.dropout.values.1', 10, 35, 'expected a number at least 0 and less than 1, got 1.5'],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.augment.values.1.rotation_range', 14, 29, 'expected a number from 0 to 360, got 400'],
      [
        'TLAB_SPEC_UNKNOWN_KEY',
        'sweep.parameters.augment.values.1.flip',
        14,
        34,
        expect.stringMatching(/^unknown key "flip" \(expected one of: rotation_range, .*horizontal_flip, vertical_flip/),
      ],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.train.epochs.min', 15, 26, 'expected an integer from 1 to 10000, got 0'],
    ]);
  });

  it('reports a range whose draws do not fit the field', () => {
    // 1.0 is a float, as in W&B, so this range is uniform, not int_uniform.
    const problems = problemsOf(`  method: random
  run_cap: 10
  parameters:
    train.epochs: { min: 1.0, max: 10 }
`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'TLAB_SPEC_INVALID', path: 'sweep.parameters.train.epochs', line: 10, column: 19 });
    expect(problems[0]!.message).toMatch(/^expected an integer from 1 to 10000, got \S+ \(drawn from this range\)$/);
  });

  it('reports a problem that only a combination of values causes, naming the field', () => {
    const text = `name: combo
data: { builtin: { name: mnist } }
sweep:
  parameters:
    data.train: { values: [./photos] }
`;
    let problems: readonly unknown[] = [];
    try {
      expandSweep(parseSpec(text, 'c.yaml'));
    } catch (error) {
      problems = (error as SpecError).problems;
    }
    expect(problems).toEqual([
      {
        file: 'c.yaml',
        line: 5,
        column: 28,
        path: 'sweep.parameters.data.train.values.0',
        code: 'TLAB_SPEC_INVALID',
        message: 'data: expected exactly one of `train` (a folder) or `builtin` (a packaged dataset)',
      },
    ]);
  });

  it('caps a grid larger than run_cap at its first run_cap settings, as W&B stops a grid, and names the rest', () => {
    const plan = expandSweep(parseSpec(`${header}sweep:\n  run_cap: 4\n  parameters:\n    head.dropout: { values: [0.1, 0.2, 0.3] }\n    head.units: { values: [8, 16] }\n`, 's.yaml'));
    expect(plan.variants.map((v) => v.params)).toEqual([
      { 'head.dropout': 0.1, 'head.units': 8 },
      { 'head.dropout': 0.1, 'head.units': 16 },
      { 'head.dropout': 0.2, 'head.units': 8 },
      { 'head.dropout': 0.2, 'head.units': 16 },
    ]);
    expect(plan.leftOut).toEqual([
      { 'head.dropout': 0.3, 'head.units': 8 },
      { 'head.dropout': 0.3, 'head.units': 16 },
    ]);
  });

  it('still refuses a bad value past the cap', () => {
    const problems = problemsOf(`  run_cap: 1
  parameters:
    head.dropout: { values: [0.1, 1.5] }
`);
    expect(problems.map((p) => [p.code, p.path])).toEqual([['TLAB_SPEC_INVALID', 'sweep.parameters.head.dropout.values.1']]);
  });

  it(`refuses more than ${maxVariants} variants`, () => {
    const hundred = `[${Array.from({ length: 100 }, (_, i) => i + 1).join(', ')}]`;
    const problems = problemsOf(`  parameters:
    head.units: { values: ${hundred} }
    train.epochs: { values: ${hundred} }
    train.batch_size: { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }
`);
    expect(problems.map((p) => [p.code, p.path, p.message])).toEqual([
      ['TLAB_SWEEP_TOO_LARGE', 'sweep.parameters', `the grid has 110000 variants (100 × 100 × 11), more than the limit of ${maxVariants}`],
    ]);
    const randomProblems = problemsOf(`  method: random
  run_cap: 100001
`);
    expect(randomProblems.map((p) => [p.code, p.path, p.message])).toEqual([
      ['TLAB_SWEEP_TOO_LARGE', 'sweep.run_cap', `expected run_cap of at most ${maxVariants}, got 100001`],
    ]);
  });

  it('collects path, value and size problems into one report', () => {
    const problems = problemsOf(`  method: random
  run_cap: 100001
  parameters:
    head.dropot: { values: [0.1, 0.2] }
    head.units: { values: [0, 8] }
`);
    expect(problems.map((p) => p.code)).toEqual(['TLAB_SWEEP_TOO_LARGE', 'TLAB_SWEEP_UNKNOWN_PATH', 'TLAB_SPEC_INVALID']);
  });

  it('refuses `seeds` with `repeats`, and either with a swept seed, at the field', () => {
    const problems = problemsOf(`  seeds: [1, 2]
  repeats: 3
  parameters:
    seed: { values: [1, 2] }
`);
    expect(problems.map((p) => [p.code, p.path, p.line, p.column, p.message])).toEqual([
      ['TLAB_SPEC_INVALID', 'sweep.repeats', 8, 12, 'expected `seeds` (the seeds) or `repeats` (how many), not both'],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.seed', 10, 11, 'the seed is already swept by `seeds`; give the seeds in one place'],
    ]);
    expect(problemsOf(`  repeats: 2\n  parameters:\n    seed: { values: [1] }\n`).map((p) => [p.path, p.message])).toEqual([
      ['sweep.parameters.seed', 'the seed is already swept by `repeats`; give the seeds in one place'],
    ]);
  });

  it('refuses `repeats` that count past the largest seed, at `repeats`', () => {
    let found: readonly unknown[] = [];
    try {
      expandSweep(parseSpec('name: s\nseed: 2147483646\ndata: { builtin: { name: mnist } }\nsweep:\n  repeats: 3\n', 'r.yaml'));
    } catch (error) {
      found = (error as SpecError).problems.map((p) => [p.code, p.path, p.line, p.column, p.message]);
    }
    expect(found).toEqual([['TLAB_SPEC_INVALID', 'sweep.repeats', 5, 12, 'expected an integer from 0 to 2147483647, got 2147483648']]);
  });

  it('refuses distributions and probabilities in a grid and an ablation', () => {
    for (const method of ['grid', 'ablation']) {
      const problems = problemsOf(`  method: ${method}
  parameters:
    head.dropout: { min: 0.1, max: 0.5 }
    head.units: { values: [8, 16], probabilities: [0.5, 0.5] }
`);
      expect(problems.map((p) => [p.code, p.path, p.line, p.column, p.message])).toEqual([
        ['TLAB_SPEC_INVALID', 'sweep.parameters.head.dropout', 9, 19, `method: ${method} needs \`values\` or \`value\`; distributions are for method: random`],
        ['TLAB_SPEC_INVALID', 'sweep.parameters.head.units.probabilities', 10, 51, `method: ${method} runs every value once; probabilities are for method: random`],
      ]);
    }
  });

  it("refuses W&B's distributions it does not implement, naming the supported ones", () => {
    const problems = problemsOf(`  method: random
  run_cap: 2
  parameters:
    train.learning_rate: { distribution: q_log_uniform, min: -9, max: -4 }
    head.dropout: { distribution: beta, a: 2, b: 5 }
`);
    const supported = 'uniform, int_uniform, q_uniform, log_uniform, log_uniform_values, q_log_uniform_values, normal, q_normal, log_normal, q_log_normal';
    expect(problems.map((p) => [p.code, p.path, p.line, p.column, p.message])).toEqual([
      ['TLAB_SPEC_INVALID', 'sweep.parameters.train.learning_rate.distribution', 10, 42, `expected one of: ${supported}, got "q_log_uniform" (did you mean "log_uniform"?)`],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.head.dropout.distribution', 11, 35, `expected one of: ${supported}, got "beta"`],
      ['TLAB_SPEC_UNKNOWN_KEY', 'sweep.parameters.head.dropout.a', 11, 41, expect.stringMatching(/^unknown key "a".*\(expected one of: values, probabilities, value, distribution, min, max, q, mu, sigma\)$/)],
      ['TLAB_SPEC_UNKNOWN_KEY', 'sweep.parameters.head.dropout.b', 11, 47, expect.stringMatching(/^unknown key "b"/)],
    ]);
  });

  it('refuses a parameter that mixes forms, a field its distribution does not read, and probabilities that do not fit', () => {
    const problems = problemsOf(`  method: random
  run_cap: 2
  parameters:
    head.units: { values: [8, 16], min: 8 }
    train.epochs: { distribution: normal, min: 1 }
    augment.rotation_range: { min: 0, max: 10, q: 2 }
    train.batch_size: { values: [8, 16], probabilities: [0.5, 0.6] }
    augment.cval: { values: [0, 1, 2], probabilities: [0.5, 0.5] }
    augment.shear_range: { distribution: log_uniform_values, min: 0, max: 10 }
    augment.zoom_range: { distribution: uniform }
`);
    expect(problems.map((p) => [p.code, p.path, p.line, p.message])).toEqual([
      ['TLAB_SPEC_INVALID', 'sweep.parameters.head.units', 10, 'expected one of `values`, `value` or a distribution (min and max, or a named distribution), got values and a distribution'],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.train.epochs.min', 11, 'normal takes mu and sigma, not min'],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.augment.rotation_range.q', 12, 'a distribution without a name (uniform or int_uniform) takes min and max, not q'],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.train.batch_size.probabilities', 13, 'expected probabilities summing to 1, got 1.1'],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.augment.cval.probabilities', 14, 'expected 3 probabilities, one for each of `values`, got 2'],
      [
        'TLAB_SPEC_INVALID',
        'sweep.parameters.augment.shear_range.min',
        15,
        'expected min > 0 for log_uniform_values (its min and max are values; log_uniform takes their natural logs)',
      ],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.augment.zoom_range', 16, 'expected min and max for uniform'],
    ]);
  });

  it('checks what a distribution reaches at the ends of its range, after its transform', () => {
    const problems = problemsOf(`  method: random
  run_cap: 3
  parameters:
    head.dropout: { distribution: log_uniform, min: 0, max: 1 }
    head.units: { distribution: q_uniform, min: 8, max: 70000, q: 8 }
`);
    expect(problems.map((p) => [p.code, p.path, p.line, p.message])).toEqual([
      ['TLAB_SPEC_INVALID', 'sweep.parameters.head.dropout.min', 10, 'expected a number at least 0 and less than 1, got 1 (drawn from this range)'],
      ['TLAB_SPEC_INVALID', 'sweep.parameters.head.units.max', 11, 'expected an integer from 1 to 65536, got 70000'],
    ]);
  });

  it('counts settings, not runs, against the run_cap of a grid or an ablation: each capped setting keeps every seed', () => {
    const grid = expandSweep(parseSpec(`${header}sweep:\n  run_cap: 1\n  repeats: 3\n  parameters:\n    head.dropout: { values: [0.1, 0.5] }\n`, 's.yaml'));
    expect(grid.variants.map((v) => v.params)).toEqual([1, 2, 3].map((i) => ({ 'head.dropout': 0.1, seed: 41 + i })));
    expect(grid.leftOut).toEqual([{ 'head.dropout': 0.5 }]);
    const ablation = expandSweep(
      parseSpec(`${header}sweep:\n  method: ablation\n  run_cap: 3\n  seeds: [1, 2]\n  parameters:\n    head.dropout: { values: [0.1, 0.5] }\n    head.units: { values: [8, 16] }\n`, 's.yaml'),
    );
    expect(ablation.variants).toHaveLength(6);
    expect(ablation.leftOut.map((params) => params['head.units'])).toEqual([8, 16]);
  });

  it('counts the seeds into the size of a random search', () => {
    expect(problemsOf('  method: random\n  run_cap: 50000\n  seeds: [1, 2, 3]\n').map((p) => [p.code, p.path, p.message])).toEqual([
      ['TLAB_SWEEP_TOO_LARGE', 'sweep.run_cap', `expected run_cap × seeds of at most ${maxVariants}, got 50000 × 3 = 150000`],
    ]);
  });

  it('blames a sweep problem introduced by --set on the argument', () => {
    try {
      expand(`  method: random\n  run_cap: 2\n`, ['sweep.run_cap=100001']);
      expect.unreachable();
    } catch (error) {
      expect((error as SpecError).problems.map((p) => [p.file, p.code])).toEqual([['--set sweep.run_cap=100001', 'TLAB_SWEEP_TOO_LARGE']]);
    }
  });
});
