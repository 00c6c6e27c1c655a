import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, unprintableNameProblem } from './control-characters.ts';

describe('escapeControlCharacters', () => {
  it('escapes C0, C1 and DEL, keeping newlines, tabs, carriage returns and every printable character', () => {
    expect(escapeControlCharacters('a\u001b]0;t\u0007\u001b[2J\u0000\u007f\u009b é ✓\n\t\r')).toBe('a\\x1b]0;t\\x07\\x1b[2J\\x00\\x7f\\x9b é ✓\n\t\r');
  });
});

describe('unprintableNameProblem', () => {
  it('accepts names with something visible, in any script', () => {
    for (const name of ['cats-vs-dogs', 'Ablation 2 (lr × dropout)', 'été', '猫と犬', ' padded ']) expect(unprintableNameProblem(name)).toBeUndefined();
  });

  it('refuses control characters, escaped in the message', () => {
    expect(unprintableNameProblem('\u001b]0;pwned\u0007')).toBe('expected a name without control characters (ESC, BEL, NUL, newline…), got "\\u001b]0;pwned\\u0007"');
    expect(unprintableNameProblem('a\u0000b')).toMatch(/without control characters.*"a\\u0000b"/);
    expect(unprintableNameProblem('two\nlines')).toMatch(/without control characters/);
  });

  it('refuses a name that shows nothing, its invisible characters spelled out', () => {
    expect(unprintableNameProblem('   ')).toBe('expected a name with at least one visible character, got "   "');
    expect(unprintableNameProblem('\u200b\u3000')).toBe('expected a name with at least one visible character, got "\\u200b\\u3000"');
  });
});
