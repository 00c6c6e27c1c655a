import { describe, expect, it } from 'vitest';
import { formatValue } from './format-value.ts';

describe('formatValue', () => {
  it('writes swept values as a spec would: strings bare, mappings and lists in YAML flow style', () => {
    expect(formatValue('course')).toBe('course');
    expect(formatValue(0.2)).toBe('0.2');
    expect(formatValue(null)).toBe('null');
    expect(formatValue([150, 150])).toBe('[150, 150]');
    expect(formatValue({ rotation_range: 40, zoom_range: [0.8, 1.2] })).toBe('{rotation_range: 40, zoom_range: [0.8, 1.2]}');
    expect(formatValue(undefined)).toBe('(not set)');
  });

  it('keeps mappings that differ only in the type of a value apart, since ablation levels are told apart by their text', () => {
    expect(formatValue({ a: '1' })).toBe('{a: "1"}');
    expect(formatValue({ a: 1 })).toBe('{a: 1}');
    expect(formatValue({ a: 'true' })).toBe('{a: "true"}');
    expect(formatValue({ fill_mode: 'nearest', cutoff: 'block_13_expand' })).toBe('{fill_mode: nearest, cutoff: block_13_expand}');
    expect(formatValue({ path: 'my model.json' })).toBe('{path: "my model.json"}');
  });

  it('rounds numbers to significant digits when asked, inside mappings too, and leaves integers and strings alone', () => {
    expect(formatValue(0.00031622776601683794, { significant: 4 })).toBe('0.0003162');
    expect(formatValue({ rotation_range: 12.345678, fill_mode: 'nearest' }, { significant: 3 })).toBe('{rotation_range: 12.3, fill_mode: nearest}');
    expect(formatValue(1024, { significant: 2 })).toBe('1024');
    expect(formatValue(0.30000000000000004)).toBe('0.30000000000000004');
  });
});
