import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes } from './error-codes.ts';

describe('error codes', () => {
  it("are each documented in the README's error table", () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Error codes'));
    expect(errorCodes.filter((code) => !table.includes(`\`${code}\``))).toEqual([]);
  });
});
