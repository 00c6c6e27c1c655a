import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec, maxSpecBytes, parseSpec } from './load-spec.ts';
import { SpecError, type SpecProblem } from './spec-error.ts';

const quickstart = `# yaml-language-server: $schema=./spec.schema.json
name: quickstart
seed: 42
data: { builtin: { name: mnist, classes: ['3', '8'], train_per_class: 100, validation_per_class: 40 }, image_size: 75 }
backbone: { name: inception_v3, cutoff: mixed7 }
head: { pooling: avg, dropout: 0.2 }
train: { epochs: 3, batch_size: 20 }
augment: none
sweep:
  method: grid
  parameters:
    head.dropout: { values: [0.0, 0.5] }
    backbone.cutoff: { values: [mixed5, mixed7] }
`;

/** The SpecError a call throws, failing the test if it throws nothing or something else. */
function specErrorOf(run: () => unknown): SpecError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}

const where = (problem: SpecProblem) => [problem.code, problem.path, problem.line, problem.column];

describe('parseSpec', () => {
  it('validates a good spec and fills in every default', () => {
    const { spec, file, text } = parseSpec(quickstart, 'experiments/quickstart.yaml');
    expect(file).toBe('experiments/quickstart.yaml');
    expect(text).toBe(quickstart);
    expect(spec.name).toBe('quickstart');
    expect(spec.description).toBe('');
    expect(spec.head).toEqual({ pooling: 'avg', units: 1024, activation: 'relu', dropout: 0.2 });
    expect(spec.train).toEqual({ optimizer: 'rmsprop', learning_rate: 1e-4, batch_size: 20, epochs: 3 });
    expect(spec.metric).toEqual({ name: 'val_accuracy', goal: 'maximize' });
    expect(spec.data.rescale).toBeCloseTo(1 / 255);
    expect(spec.sweep.method).toBe('grid');
    expect(Object.keys(spec.sweep.parameters)).toEqual(['head.dropout', 'backbone.cutoff']);
  });

  it('fills the defaults of a minimal spec', () => {
    const { spec } = parseSpec('name: tiny\ndata: { builtin: { name: mnist } }\n', 'tiny.yaml');
    expect(spec.seed).toBe(42);
    expect(spec.augment).toBe('course');
    expect(spec.backbone).toEqual({ name: 'inception_v3', cutoff: 'mixed7' });
    expect(spec.data.image_size).toBe(150);
    expect(spec.sweep).toEqual({ method: 'grid', parameters: {} });
  });

  it('hashes the validated spec, so formatting, comments, key order and spelled-out defaults do not matter', () => {
    const reformatted = `sweep:
  parameters:
    backbone.cutoff:
      values: [mixed5, mixed7]   # the later cut first
    head.dropout: { values: [0, 0.5] }
augment: "none"
train:
  batch_size: 20
  epochs: 3
head: { dropout: 0.2, pooling: avg, units: 1024 }
backbone: { cutoff: mixed7, name: inception_v3 }
data:
  image_size: 75
  builtin: { validation_per_class: 40, train_per_class: 100, classes: ['3', '8'], name: mnist }
seed: 42
name: quickstart
`;
    const hash = parseSpec(quickstart, 'a.yaml').specHash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseSpec(reformatted, 'b.yaml').specHash).toBe(hash);
    expect(parseSpec(quickstart.replace('dropout: 0.2', 'dropout: 0.3'), 'a.yaml').specHash).not.toBe(hash);
  });

  it('reports type and range mistakes as TLAB_SPEC_INVALID with expected and found', () => {
    const error = specErrorOf(() => parseSpec(quickstart.replace('dropout: 0.2', 'dropout: 1.5'), 'experiments/x.yaml'));
    expect(error.code).toBe('TLAB_SPEC_INVALID');
    expect(error.message).toBe(
      'experiments/x.yaml:6:32 head.dropout: expected a number at least 0 and less than 1, got 1.5 [TLAB_SPEC_INVALID]',
    );
  });

  it('lists the allowed values of an enum and suggests the near miss', () => {
    const error = specErrorOf(() => parseSpec(quickstart.replace('pooling: avg', 'pooling: average'), 'x.yaml'));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.message).toBe('expected one of: flatten, avg, max, got "average"');
    const typo = specErrorOf(() => parseSpec(quickstart.replace('name: inception_v3', 'name: inception_v2'), 'x.yaml'));
    expect(typo.problems[0]!.message).toContain('got "inception_v2" (did you mean "inception_v3"?)');
  });

  it('says when a required field is missing, pointing at the mapping that lacks it', () => {
    const error = specErrorOf(() => parseSpec('seed: 1\ndata:\n  builtin: { classes: [a, b] }\n', 'x.yaml'));
    expect(error.problems.map(where)).toEqual([
      ['TLAB_SPEC_INVALID', 'name', 1, 1],
      ['TLAB_SPEC_INVALID', 'data.builtin.name', 3, 12],
    ]);
    expect(error.problems[0]!.message).toBe('expected a string of 1 to 200 characters, but it is missing');
  });

  it('reports an unknown key at the key itself, with a did-you-mean from that level', () => {
    const error = specErrorOf(() => parseSpec(quickstart.replace('train: { epochs: 3', 'train: { epoch: 3'), 'x.yaml'));
    expect(error.code).toBe('TLAB_SPEC_UNKNOWN_KEY');
    expect(error.problems.map(where)).toEqual([['TLAB_SPEC_UNKNOWN_KEY', 'train.epoch', 7, 10]]);
    expect(error.problems[0]!.message).toBe(
      'unknown key "epoch", did you mean "epochs"? (expected one of: optimizer, learning_rate, batch_size, epochs, steps_per_epoch, early_stopping, checkpoint)',
    );
  });

  it('offers no suggestion when nothing is close', () => {
    const error = specErrorOf(() => parseSpec(`${quickstart}colour: blue\n`, 'x.yaml'));
    expect(error.problems[0]!.message).toMatch(/^unknown key "colour" \(expected one of: seed, data, /);
  });

  it('reports every mistake at once, each on its own line and position', () => {
    const text = `name: three
data: { builtin: { name: mnist }, image_size: 4 }
head:
  dropout: -0.5
train:
  optimizer: adamw
`;
    const error = specErrorOf(() => parseSpec(text, 'experiments/three.yaml'));
    expect(error.problems.map(where)).toEqual([
      ['TLAB_SPEC_INVALID', 'data.image_size', 2, 47],
      ['TLAB_SPEC_INVALID', 'head.dropout', 4, 12],
      ['TLAB_SPEC_INVALID', 'train.optimizer', 6, 14],
    ]);
    expect(error.message.split('\n')).toEqual([
      'experiments/three.yaml:2:47 data.image_size: expected an integer from 8 to 1024 or a list of 2 integers from 8 to 1024, got 4 [TLAB_SPEC_INVALID]',
      'experiments/three.yaml:4:12 head.dropout: expected a number at least 0 and less than 1, got -0.5 [TLAB_SPEC_INVALID]',
      'experiments/three.yaml:6:14 train.optimizer: expected one of: rmsprop, adam, sgd, got "adamw" (did you mean "adam"?) [TLAB_SPEC_INVALID]',
    ]);
  });

  it('explains the branch of a union the value was meant for', () => {
    const text = 'name: u\ndata: { builtin: { name: mnist }, image_size: [64, 2048] }\n';
    const error = specErrorOf(() => parseSpec(text, 'x.yaml'));
    expect(error.problems.map(where)).toEqual([['TLAB_SPEC_INVALID', 'data.image_size.1', 2, 52]]);
    expect(error.problems[0]!.message).toBe('expected an integer from 8 to 1024, got 2048');
  });

  it("reports the schema's cross-field rules at the field they concern", () => {
    const text = `name: r
data: { train: ./photos }
sweep:
  method: random
  parameters:
    train.learning_rate: { min: 0.1, max: 0.01 }
`;
    const error = specErrorOf(() => parseSpec(text, 'x.yaml'));
    expect(error.problems.map((p) => [p.path, p.line, p.column, p.message])).toEqual([
      ['data.train', 2, 16, 'expected a `validation` folder or a `validation_split` fraction'],
      ['sweep.run_cap', 4, 3, 'random search needs `run_cap` (how many variants to draw)'],
      ['sweep.parameters.train.learning_rate.max', 6, 43, 'expected max > min'],
    ]);
  });

  it('reports YAML syntax errors with their position as TLAB_SPEC_YAML', () => {
    const error = specErrorOf(() => parseSpec('name: x\ndata: [1, 2\nseed: 3\n', 'bad.yaml'));
    expect(error.code).toBe('TLAB_SPEC_YAML');
    expect(error.problems[0]).toMatchObject({ file: 'bad.yaml', line: 3, code: 'TLAB_SPEC_YAML' });
  });

  it('reports duplicate keys as TLAB_SPEC_YAML, naming the first definition', () => {
    const error = specErrorOf(() => parseSpec('name: x\nhead:\n  dropout: 0.1\n  units: 8\n  dropout: 0.3\n', 'dup.yaml'));
    expect(error.problems.map(where)).toEqual([['TLAB_SPEC_YAML', 'head.dropout', 5, 3]]);
    expect(error.message).toBe('dup.yaml:5:3 head.dropout: duplicate key "dropout" (first defined on line 3) [TLAB_SPEC_YAML]');
  });

  it('rejects an empty document with what a spec needs', () => {
    const error = specErrorOf(() => parseSpec('# nothing yet\n', 'empty.yaml'));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.message).toBe('expected a mapping, got null');
  });

  it('refuses values that have no JSON form, such as .inf in a sweep', () => {
    const text = 'name: x\ndata: { builtin: { name: mnist } }\nsweep: { parameters: { seed: { values: [1, .inf] } } }\n';
    const error = specErrorOf(() => parseSpec(text, 'x.yaml'));
    expect(error.problems.map(where)).toEqual([['TLAB_SPEC_INVALID', 'sweep.parameters.seed.values.1', 3, 44]]);
  });
});

describe('loadSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlab-spec-'));

  it('reads and parses a file', () => {
    const file = join(dir, 'quickstart.yaml');
    writeFileSync(file, quickstart);
    const loaded = loadSpec(file);
    expect(loaded.file).toBe(file);
    expect(loaded.spec.name).toBe('quickstart');
    expect(loaded.specHash).toBe(parseSpec(quickstart, 'elsewhere.yaml').specHash);
  });

  it('reports a missing file as TLAB_SPEC_NOT_FOUND, naming the path', () => {
    const file = join(dir, 'missing.yaml');
    const error = specErrorOf(() => loadSpec(file));
    expect(error.code).toBe('TLAB_SPEC_NOT_FOUND');
    expect(error.message).toBe(`${file}: no spec file at ${file} [TLAB_SPEC_NOT_FOUND]`);
  });

  it('reports a directory as TLAB_SPEC_NOT_FOUND', () => {
    const error = specErrorOf(() => loadSpec(dir));
    expect(error.code).toBe('TLAB_SPEC_NOT_FOUND');
    expect(error.problems[0]!.message).toContain('is a folder, expected a YAML spec file');
  });

  it('reads a spec of exactly the size limit and refuses one byte more as TLAB_SPEC_TOO_LARGE, unparsed', () => {
    const padded = (bytes: number) => `${quickstart}#${'-'.repeat(bytes - Buffer.byteLength(quickstart) - 2)}\n`;
    const fits = join(dir, 'fits.yaml');
    writeFileSync(fits, padded(maxSpecBytes));
    expect(loadSpec(fits).spec.name).toBe('quickstart');
    const over = join(dir, 'over.yaml');
    writeFileSync(over, padded(maxSpecBytes + 1));
    expect(specErrorOf(() => loadSpec(over)).message).toBe(
      `${over}: expected a spec file of at most 1048576 bytes (1.0 MB), got 1048577 bytes (1.0 MB); a spec is a page of YAML (\`description\` holds up to 10000 characters), so nothing was parsed [TLAB_SPEC_TOO_LARGE]`,
    );
  });

  it('refuses a device or a FIFO before opening it: /dev/zero never ends, and a FIFO with no writer never answers', () => {
    const fifo = join(dir, 'spec.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(['/dev/zero', fifo].map((file) => specErrorOf(() => loadSpec(file)).problems.map((p) => [p.code, p.message]))).toEqual([
      [['TLAB_SPEC_NOT_FOUND', '/dev/zero is a character device, expected a YAML spec file']],
      [['TLAB_SPEC_NOT_FOUND', `${fifo} is a FIFO (named pipe), expected a YAML spec file`]],
    ]);
  });
});
