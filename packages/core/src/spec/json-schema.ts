import { z } from 'zod';
import { specSchema } from './schema.ts';

/** Where the editor schema lives: next to the specs, which point at it with `$schema=./spec.schema.json`. */
export const specJsonSchemaFile = new URL('../../../../experiments/spec.schema.json', import.meta.url);

/**
 * JSON Schema of what a user may write (the input side, so fields with defaults are optional).
 * Draft-07 because it is the draft YAML editors support best. Cross-field rules (exactly one data
 * source, grid needs `values`) are not expressible here; loadSpec still checks them.
 */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(specSchema, { io: 'input', target: 'draft-7' });
  return {
    $schema: schema.$schema,
    title: 'Transfer Lab experiment spec',
    description: 'A transfer-learning experiment and the settings it sweeps. Generated from packages/core/src/spec/schema.ts; do not edit.',
    ...schema,
  };
}

export function specJsonSchemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}
