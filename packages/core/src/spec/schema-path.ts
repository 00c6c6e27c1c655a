import { z } from 'zod';

export type PathSegment = string | number;

/** Strips the wrappers that change whether a field may be left out, not what it holds. */
function unwrap(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  ) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  return schema;
}

function child(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return typeof segment === 'string' ? (inner.shape[segment] as z.ZodType | undefined) : undefined;
  if (inner instanceof z.ZodRecord) return inner.valueType as z.ZodType;
  if (inner instanceof z.ZodArray) return inner.element as z.ZodType;
  if (inner instanceof z.ZodTuple) return typeof segment === 'number' ? (inner.def.items[segment] as z.ZodType | undefined) : undefined;
  if (inner instanceof z.ZodUnion) {
    for (const option of inner.options as readonly z.ZodType[]) {
      const found = child(option, segment);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The schema of the value at `path`; through a union, the first option that has that path. */
export function schemaAt(root: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    schema = child(schema, segment);
  }
  return schema;
}

/** The keys an object at this schema may have (for a union like `augment`, its object option's). */
export function fieldNames(schema: z.ZodType | undefined): string[] {
  if (schema === undefined) return [];
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
  if (inner instanceof z.ZodUnion) return (inner.options as readonly z.ZodType[]).flatMap(fieldNames);
  return [];
}
