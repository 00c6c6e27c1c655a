import { describe, expect, it } from 'vitest';
import { closestMatch, suggestionFor } from './did-you-mean.ts';

describe('closestMatch', () => {
  const keys = ['pooling', 'units', 'activation', 'dropout'];

  it('finds missing, extra, changed and swapped letters', () => {
    expect(closestMatch('dropuot', keys)).toBe('dropout');
    expect(closestMatch('unit', keys)).toBe('units');
    expect(closestMatch('activations', keys)).toBe('activation');
    expect(closestMatch('Pooling', keys)).toBe('pooling');
  });

  it('suggests nothing when no candidate is near', () => {
    expect(closestMatch('optimizer', keys)).toBeUndefined();
  });

  it('appends the suggestion and the allowed names', () => {
    expect(suggestionFor('unit', keys)).toBe(', did you mean "units"? (expected one of: pooling, units, activation, dropout)');
    expect(suggestionFor('zzz', ['a'])).toBe(' (expected one of: a)');
  });
});
