import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSweep } from '../sweep/expand-sweep.ts';
import { specJsonSchemaFile } from './json-schema.ts';
import { loadSpec } from './load-spec.ts';

const experimentsDir = path.dirname(fileURLToPath(specJsonSchemaFile));
const shippedSpecs = readdirSync(experimentsDir).filter((name) => name.endsWith('.yaml'));

// A spec in experiments/ is documentation users copy; one that no longer validates against the
// schema would only fail when someone runs it, long after the change that broke it.
describe('the specs shipped in experiments/', () => {
  it('are there', () => {
    expect(shippedSpecs).toContain('quickstart.yaml');
  });

  // Expansion drops variants whose configs come out identical, so a grid that yields fewer
  // variants than it lists has two values that mean the same thing: a mistake in the spec.
  it.each(shippedSpecs)('%s validates, and its grid yields one variant per combination it lists', (name) => {
    const loaded = loadSpec(path.join(experimentsDir, name));
    const listed = Object.values(loaded.spec.sweep.parameters).reduce((product, parameter) => product * (parameter.values?.length ?? 1), 1);
    expect(loaded.spec.sweep.method).toBe('grid');
    expect(expandSweep(loaded).variants).toHaveLength(listed);
  });
});
