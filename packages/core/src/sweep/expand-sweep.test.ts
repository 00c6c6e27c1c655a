import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/load-spec.ts';
import { augmentPresets } from '../spec/schema.ts';
import { SpecError } from '../spec/spec-error.ts';
import { expandSweep, maxVariants } from './expand-sweep.ts';

const header = `name: sweep
seed: 42
data: { builtin: { name: mnist, classes: ['3', '8'] }, image_size: 75 }
head: { pooling: avg, dropout: 0.2 }
augment: none
`;

/** A spec whose `sweep:` section is `sweep` (indented by the caller as it would be in the file). */
const expand = (sweep: string, overrides: string[] = []) => expandSweep(parseSpec(`${header}sweep:\n${sweep}`, 'experiments/s.yaml', { overrides }));

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
    const variants = expandSweep(parseSpec(header, 'x.yaml'));
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
    train.learning_rate: { min: 0.00001, max: 0.01, distribution: log_uniform }
    train.epochs: { min: 1, max: 4, distribution: int_uniform }
    backbone.cutoff: { values: [mixed5, mixed6, mixed7] }
`,
        'r.yaml',
      ),
    );

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
    // log_uniform spreads over orders of magnitude, not just the top one.
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
    const problems = problemsOf(`  method: random
  run_cap: 10
  parameters:
    train.epochs: { min: 1, max: 10 }
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

  it('refuses a grid larger than run_cap, naming both numbers', () => {
    const problems = problemsOf(`  run_cap: 5
  parameters:
    head.dropout: { values: [0.1, 0.2, 0.3] }
    head.units: { values: [8, 16] }
`);
    expect(problems.map((p) => [p.code, p.path, p.line, p.message])).toEqual([
      ['TLAB_SWEEP_TOO_LARGE', 'sweep.run_cap', 7, 'the grid has 6 variants (3 × 2), more than run_cap 5; raise run_cap or sweep fewer values'],
    ]);
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
    const problems = problemsOf(`  run_cap: 1
  parameters:
    head.dropot: { values: [0.1, 0.2] }
    head.units: { values: [0, 8] }
`);
    expect(problems.map((p) => p.code)).toEqual(['TLAB_SWEEP_TOO_LARGE', 'TLAB_SWEEP_UNKNOWN_PATH', 'TLAB_SPEC_INVALID']);
  });

  it('blames a sweep problem introduced by --set on the argument', () => {
    try {
      expand(`  parameters:\n    head.dropout: { values: [0.1, 0.2] }\n`, ['sweep.run_cap=1']);
      expect.unreachable();
    } catch (error) {
      expect((error as SpecError).problems.map((p) => [p.file, p.code])).toEqual([['--set sweep.run_cap=1', 'TLAB_SWEEP_TOO_LARGE']]);
    }
  });
});
