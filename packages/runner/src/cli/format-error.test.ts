import { describe, expect, it } from 'vitest';
import { DbFullError, SpecError } from '@tlab/core';
import { formatForCli } from './format-error.ts';

describe('formatForCli', () => {
  it('appends the code to a one-line error', () => {
    expect(formatForCli(new DbFullError('r.db'))).toMatch(/^error: results DB r\.db: the disk .* run the sweep again \[TLAB_DB_FULL\]$/);
  });

  it('prints a spec report below the word error, each line tagged with its own code once', () => {
    const error = new SpecError([
      { file: 's.yaml', line: 3, column: 5, path: 'head.dropout', message: 'expected ≤ 1, got 2', code: 'TLAB_SPEC_INVALID' },
      { file: 's.yaml', line: 1, column: 1, path: 'nmae', message: 'unknown key', code: 'TLAB_SPEC_UNKNOWN_KEY' },
    ]);
    expect(formatForCli(error)).toBe('error:\ns.yaml:1:1 nmae: unknown key [TLAB_SPEC_UNKNOWN_KEY]\ns.yaml:3:5 head.dropout: expected ≤ 1, got 2 [TLAB_SPEC_INVALID]');
  });
});
