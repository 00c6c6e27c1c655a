import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specJsonSchema, specJsonSchemaFile, specJsonSchemaText } from './json-schema.ts';

describe('spec JSON Schema', () => {
  it('matches the committed experiments/spec.schema.json (regenerate: npx tsx packages/core/src/spec/write-json-schema.ts)', () => {
    expect(readFileSync(specJsonSchemaFile, 'utf8')).toBe(specJsonSchemaText());
  });

  it('describes the input side: only fields without defaults are required, unknown keys are refused', () => {
    const schema = specJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: { head: { required?: string[]; additionalProperties: boolean; properties: Record<string, { default?: unknown }> } };
    };
    expect(schema.required.sort()).toEqual(['data', 'name']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.head.required).toBeUndefined();
    expect(schema.properties.head.additionalProperties).toBe(false);
    expect(schema.properties.head.properties.dropout?.default).toBe(0.2);
  });
});
