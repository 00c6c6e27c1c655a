import { describe, expect, it } from 'vitest';
import { formatMetricValue } from './format.ts';
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
});
