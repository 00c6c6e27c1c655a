import { TlabError } from '@tlab/core';
import { describe, expect, it } from 'vitest';
import * as trainer from './index.ts';

const families = [trainer.DataError, trainer.BackboneError, trainer.EngineError];
/** A stop the user asked for is not a failure of any family. */
const signals: readonly unknown[] = [trainer.RunInterruptedError];

describe('error families', () => {
  const errorClasses = Object.entries(trainer).filter(
    (entry): entry is [string, typeof TlabError] => typeof entry[1] === 'function' && entry[1].prototype instanceof TlabError,
  );

  it('finds the exported error classes', () => {
    expect(errorClasses.length).toBeGreaterThan(30);
  });

  it.each(errorClasses.filter(([, cls]) => !families.includes(cls) && !signals.includes(cls)))('%s belongs to exactly one family', (_, cls) => {
    expect(families.filter((family) => cls.prototype instanceof family)).toHaveLength(1);
  });
});
