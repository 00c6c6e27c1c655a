import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('quotes fields with commas, quotes and line breaks, and leaves the rest bare', () => {
    expect(toCsv([['a', 'b,c', 'say "hi"', 'two\nlines', 1.5, null, Number.NaN, true, { k: [1] }]])).toBe(
      'a,"b,c","say ""hi""","two\nlines",1.5,,,true,"{""k"":[1]}"\r\n',
    );
  });

  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(toCsv([['=HYPERLINK("x")', '+1+1', '@SUM(A1)', '-cmd', '-0.5', -2]])).toBe(`"'=HYPERLINK(""x"")",'+1+1,'@SUM(A1),'-cmd,-0.5,-2\r\n`);
  });
});
