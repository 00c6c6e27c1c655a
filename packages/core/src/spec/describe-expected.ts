import { z } from 'zod';

/**
 * Plain-English descriptions of what a field accepts and of what was found, for "expected …, got …"
 * messages. The expectation is read from the field's JSON Schema, which states every bound of a
 * field at once (zod's issue only names the bound that failed).
 */

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
};

/** Read in the default draft (2020-12), where a tuple's items are `prefixItems`. */
export function describeExpected(schema: z.ZodType): string {
  return describe(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, false);
}

function describe(schema: JsonSchema, plural: boolean): string {
  if (schema.anyOf !== undefined) return describeAlternatives(schema.anyOf, plural);
  if (schema.enum !== undefined) return oneOf(schema.enum);
  if (schema.const !== undefined) return oneOf([schema.const]);
  switch (schema.type) {
    case 'number':
    case 'integer':
      return describeNumber(schema, plural);
    case 'string':
      return describeString(schema, plural);
    case 'boolean':
      return plural ? 'true/false values' : 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return plural ? 'lists' : describeList(schema);
    case 'object':
      return plural ? 'mappings' : 'a mapping';
    default:
      return plural ? 'values' : 'a value';
  }
}

function describeAlternatives(options: JsonSchema[], plural: boolean): string {
  // Enum options read best as one list of names ("one of: none, light, course, or a mapping").
  const names = options.flatMap((option) => option.enum ?? (option.const === undefined ? [] : [option.const]));
  const others = options.filter((option) => option.enum === undefined && option.const === undefined);
  const parts = [...(names.length > 0 ? [oneOf(names)] : []), ...others.map((option) => describe(option, plural))];
  return listOf([...new Set(parts)]);
}

function listOf(parts: string[]): string {
  if (parts.length <= 2) return parts.join(' or ');
  return `${parts.slice(0, -1).join(', ')}, or ${parts.at(-1)}`;
}

function oneOf(values: unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  return shown.length === 1 ? `${shown[0]}` : `one of: ${shown.join(', ')}`;
}

function noun(singular: string, plural: boolean): string {
  if (plural) return `${singular}s`;
  return `${/^[aeiou]/.test(singular) ? 'an' : 'a'} ${singular}`;
}

function describeNumber(schema: JsonSchema, plural: boolean): string {
  const integer = schema.type === 'integer';
  const kind = noun(integer ? 'integer' : 'number', plural);
  // Integer bounds read better inclusive: "at least 1" rather than "greater than 0".
  const bound = (inclusive: number | undefined, exclusive: number | undefined, step: number) => {
    // z.int() implies ±MAX_SAFE_INTEGER bounds, which are noise to a user.
    const meaningful = (n: number | undefined): n is number => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
    if (meaningful(inclusive)) return { value: inclusive, inclusive: true };
    if (!meaningful(exclusive)) return undefined;
    return integer && Number.isInteger(exclusive) ? { value: exclusive + step, inclusive: true } : { value: exclusive, inclusive: false };
  };
  const low = bound(schema.minimum, schema.exclusiveMinimum, 1);
  const high = bound(schema.maximum, schema.exclusiveMaximum, -1);
  if (low?.inclusive && high?.inclusive) return `${kind} from ${low.value} to ${high.value}`;
  const phrases = [
    ...(low === undefined ? [] : [`${low.inclusive ? 'at least' : 'greater than'} ${low.value}`]),
    ...(high === undefined ? [] : [`${high.inclusive ? 'at most' : 'less than'} ${high.value}`]),
  ];
  return phrases.length === 0 ? kind : `${kind} ${phrases.join(' and ')}`;
}

function describeString(schema: JsonSchema, plural: boolean): string {
  if (schema.format === 'uri') return noun('URL', plural);
  const parts = [noun(schema.minLength === 1 && schema.maxLength === undefined ? 'non-empty string' : 'string', plural)];
  if (schema.maxLength !== undefined) parts.push(`of ${schema.minLength ?? 0} to ${schema.maxLength} characters`);
  if (schema.pattern !== undefined) parts.push(`matching /${schema.pattern}/`);
  return parts.join(' ');
}

function describeList(schema: JsonSchema): string {
  if (schema.prefixItems !== undefined) {
    const tuple = schema.prefixItems;
    const items = tuple.map((item) => describe(item, true));
    return new Set(items).size === 1 ? `a list of ${tuple.length} ${items[0]}` : `a list [${tuple.map((item) => describe(item, false)).join(', ')}]`;
  }
  const each = schema.items === undefined || schema.items === false ? 'values' : describe(schema.items, true);
  const { minItems = 0, maxItems } = schema;
  if (maxItems !== undefined) return `a list of ${minItems} to ${maxItems} ${each}`;
  if (minItems === 1) return `a non-empty list of ${each}`;
  return minItems > 1 ? `a list of at least ${minItems} ${each}` : `a list of ${each}`;
}

/** How a found value reads in a message: short values verbatim (strings quoted), long ones summarised. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const json = JSON.stringify(value);
  if (json !== undefined && json.length <= 60) return json;
  if (typeof value === 'string') return `${JSON.stringify(value.slice(0, 57))}…`;
  return Array.isArray(value) ? `a list of ${value.length} items` : 'a mapping';
}
