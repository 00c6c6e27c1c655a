import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.ts';

describe('formatBytes', () => {
  it('uses the largest unit below the value, in powers of 1024', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(37.4 * 1024 ** 2)).toBe('37.4 MB');
    expect(formatBytes(4 * 1024 ** 3)).toBe('4.0 GB');
  });
});
