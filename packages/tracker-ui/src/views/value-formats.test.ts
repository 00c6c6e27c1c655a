import { describe, expect, it } from 'vitest';
import { formatMetricValue, formatSummary } from './format.ts';
import { paramValue } from './param-chips.ts';

describe('values in tables', () => {
  it('shows a drawn parameter at four significant digits with the full value in the tooltip', async () => {
    expect(String(await paramValue(0.00031622776601683794))).toBe('<span title="0.00031622776601683794">0.0003162</span>');
    expect(String(await paramValue(0.5))).toBe('0.5');
    expect(String(await paramValue('course'))).toBe('course');
  });

  it('gives accuracies four decimals, throughputs and seconds four significant digits, counts as they are', () => {
    expect(formatMetricValue(0.953125)).toBe('0.9531');
    expect(formatMetricValue(1043.2533)).toBe('1043');
    expect(formatMetricValue(46.912)).toBe('46.91');
    expect(formatMetricValue(15)).toBe('15');
  });

  it('keeps three significant digits of values too small for four decimals', () => {
    expect(formatMetricValue(0.00031622776601683794)).toBe('0.000316');
    expect(formatMetricValue(0.0123456)).toBe('0.0123');
  });

  it('shows mean ± std at three to four significant digits, accuracies aligned at four decimals', () => {
    expect(formatSummary({ mean: 1043.2533, std: 12.3456 })).toBe('1043 ± 12.35');
    expect(formatSummary({ mean: 1, std: 0 })).toBe('1.0000 ± 0.0000');
    expect(formatSummary({ mean: 0.5, std: 0.000123456 })).toBe('0.5000 ± 0.000123');
    expect(formatSummary({ mean: null, std: null })).toBe('–');
  });
});
