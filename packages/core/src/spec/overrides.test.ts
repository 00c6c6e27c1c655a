import { describe, expect, it } from 'vitest';
import { parseSpec } from './load-spec.ts';
import { augmentPresets } from './schema.ts';
import { SpecError } from './spec-error.ts';

const base = `name: overrides
data: { builtin: { name: mnist } }
head: { dropout: 0.2 }
train: { epochs: 20 }
augment: light
`;

const withSets = (...overrides: string[]) => parseSpec(base, 'experiments/o.yaml', { overrides }).spec;

function problemsOf(...overrides: string[]) {
  try {
    parseSpec(base, 'experiments/o.yaml', { overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).problems;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}

describe('--set overrides', () => {
  it('parses values as YAML: numbers, strings, lists and mappings', () => {
    const spec = withSets('train.epochs=3', 'backbone.cutoff=mixed5', 'data.builtin.classes=[a, b]', 'head={pooling: max}');
    expect(spec.train.epochs).toBe(3);
    expect(spec.backbone.cutoff).toBe('mixed5');
    expect(spec.data.builtin?.classes).toEqual(['a', 'b']);
    expect(spec.head).toEqual({ pooling: 'max', units: 1024, activation: 'relu', dropout: 0.2 });
  });

  it('replaces a whole section by preset name, and a later override wins', () => {
    expect(withSets('augment=none').augment).toBe('none');
    expect(withSets('train.epochs=3', 'train.epochs=4').train.epochs).toBe(4);
  });

  it('refines the preset in force when setting one augment field', () => {
    expect(withSets('augment.rotation_range=5').augment).toEqual({ ...augmentPresets.light, rotation_range: 5 });
    const noAugmentInFile = parseSpec('name: n\ndata: { builtin: { name: mnist } }\n', 'n.yaml', { overrides: ['augment.horizontal_flip=false'] });
    expect(noAugmentInFile.spec.augment).toEqual({ ...augmentPresets.course, horizontal_flip: false });
  });

  it('changes the spec hash like the same edit in the file would', () => {
    const edited = parseSpec(base.replace('epochs: 20', 'epochs: 3'), 'experiments/o.yaml');
    expect(parseSpec(base, 'experiments/o.yaml', { overrides: ['train.epochs=3'] }).specHash).toBe(edited.specHash);
  });

  it('blames an invalid value on the --set argument, not on a file position', () => {
    const problems = problemsOf('head.dropout=1.5');
    expect(problems).toEqual([
      {
        file: '--set head.dropout=1.5',
        path: 'head.dropout',
        code: 'TLAB_SPEC_INVALID',
        message: 'expected a number at least 0 and less than 1, got 1.5',
      },
    ]);
  });

  it('blames problems inside an overridden section and unknown keys on the argument', () => {
    expect(problemsOf('augment={rotation_range: 400}', 'head.dropuot=0.1').map((p) => [p.file, p.path, p.code, p.line])).toEqual([
      ['--set head.dropuot=0.1', 'head.dropuot', 'TLAB_SPEC_UNKNOWN_KEY', undefined],
      ['--set augment={rotation_range: 400}', 'augment.rotation_range', 'TLAB_SPEC_INVALID', undefined],
    ]);
  });

  it('blames a missing field on the override that created its parent', () => {
    const problems = parseSpecProblems('name: m\ndata: { train: ./photos, validation: ./val }\n', ['data.builtin.classes=[a, b]']);
    expect(problems.map((p) => [p.file, p.path, p.message])).toEqual([
      ['--set data.builtin.classes=[a, b]', 'data.builtin.name', 'expected mnist, but it is missing'],
    ]);
  });

  it('reports malformed overrides as TLAB_SPEC_BAD_OVERRIDE together with other problems', () => {
    const problems = problemsOf('train.epochs', '.epochs=3', 'head.dropout.value=1', 'train.epochs=0');
    expect(problems.map((p) => [p.file, p.code, p.message])).toEqual([
      ['--set train.epochs', 'TLAB_SPEC_BAD_OVERRIDE', 'expected path=value (e.g. train.epochs=3), got "train.epochs"'],
      ['--set .epochs=3', 'TLAB_SPEC_BAD_OVERRIDE', 'expected a dotted path before "=" (e.g. train.epochs), got ".epochs"'],
      ['--set head.dropout.value=1', 'TLAB_SPEC_BAD_OVERRIDE', 'cannot set head.dropout.value: head.dropout is not a mapping'],
      ['--set train.epochs=0', 'TLAB_SPEC_INVALID', 'expected an integer from 1 to 10000, got 0'],
    ]);
  });

  it('reports a value that is not valid YAML as TLAB_SPEC_YAML against the argument', () => {
    const [problem, ...rest] = problemsOf('data.builtin.classes=[a, b');
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: '--set data.builtin.classes=[a, b', code: 'TLAB_SPEC_YAML' });
  });

  it('formats override problems without a position', () => {
    try {
      parseSpec(base, 'experiments/o.yaml', { overrides: ['train.epochs=lots'] });
      expect.unreachable();
    } catch (error) {
      expect((error as SpecError).message).toBe(
        '--set train.epochs=lots: train.epochs: expected an integer from 1 to 10000, got "lots" [TLAB_SPEC_INVALID]',
      );
    }
  });
});

function parseSpecProblems(text: string, overrides: string[]) {
  try {
    parseSpec(text, 'experiments/m.yaml', { overrides });
  } catch (error) {
    return (error as SpecError).problems;
  }
  throw new Error('expected a SpecError, nothing was thrown');
}
