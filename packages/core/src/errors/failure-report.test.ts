import { describe, expect, it } from 'vitest';
import { SpecError } from '../spec/spec-error.ts';
import { DbCorruptError, DbFullError } from '../store/store-errors.ts';
import { failureReport, wantsStack } from './failure-report.ts';

describe('failureReport', () => {
  it('appends the code to a one-line error', () => {
    expect(failureReport(new DbFullError('r.db'), { verbose: false })).toMatch(/^error: results DB r\.db: the disk .* run the sweep again \[TLAB_DB_FULL\]$/);
  });

  it('prints a spec report below the word error, each line tagged with its own code once', () => {
    const error = new SpecError([
      { file: 's.yaml', line: 3, column: 5, path: 'head.dropout', message: 'expected ≤ 1, got 2', code: 'TLAB_SPEC_INVALID' },
      { file: 's.yaml', line: 1, column: 1, path: 'nmae', message: 'unknown key', code: 'TLAB_SPEC_UNKNOWN_KEY' },
    ]);
    expect(failureReport(error, { verbose: false })).toBe('error:\ns.yaml:1:1 nmae: unknown key [TLAB_SPEC_UNKNOWN_KEY]\ns.yaml:3:5 head.dropout: expected ≤ 1, got 2 [TLAB_SPEC_INVALID]');
  });

  it('reports an error no check foresaw as TLAB_INTERNAL, asking for a report, with no stack unless verbose', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'epochs')");
    const short = failureReport(bug, { verbose: false });
    expect(short).toMatch(/^error: unexpected TypeError: Cannot read properties of undefined \(reading 'epochs'\)\. This is a bug in tlab.*please report it.*TLAB_DEBUG=1.* \[TLAB_INTERNAL\]$/);
    expect(short).not.toMatch(/^\s+at /m);
    expect(failureReport('a thrown string', { verbose: false })).toMatch(/^error: unexpected a thrown string\. .*\[TLAB_INTERNAL\]$/);

    const long = failureReport(bug, { verbose: true });
    expect(long.startsWith(`${short}\n`)).toBe(true);
    expect(long).toMatch(/^\s+at .*failure-report\.test\.ts/m);
    // A coded error shows its cause (here SQLite's) under --verbose too.
    const cause = new Error('database disk image is malformed');
    expect(failureReport(new DbCorruptError('r.db', { cause }), { verbose: true })).toContain('[cause]: Error: database disk image is malformed');
  });

  it('shows control characters of names and paths escaped, never raw', () => {
    const text = failureReport(new DbFullError('\u001b]0;pwned\u0007\u001b[2J\u0000.db'), { verbose: false });
    expect(text).toContain('results DB \\x1b]0;pwned\\x07\\x1b[2J\\x00.db');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(failureReport(new DbFullError('\u001b[2J.db'), { verbose: true })).not.toContain('\u001b');
  });

  it('prints stacks for --verbose among the arguments or TLAB_DEBUG=1', () => {
    expect(wantsStack(['sweep', '--verbose'], {})).toBe(true);
    expect(wantsStack(['sweep'], { TLAB_DEBUG: '1' })).toBe(true);
    expect(wantsStack(['sweep'], { TLAB_DEBUG: '0' })).toBe(false);
  });
});
