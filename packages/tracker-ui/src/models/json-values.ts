import { canonicalJson } from '@tlab/core';

/** Equality of JSON values regardless of key order, e.g. a swept level against the spec's base value. */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === undefined || b === undefined ? a === b : canonicalJson(a) === canonicalJson(b);
}

/** Leaf paths of a config, e.g. `head.dropout`; arrays are leaves, as the spec treats `image_size`. */
export function flatten(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, field] of Object.entries(value)) {
      for (const [path, leaf] of flatten(field, prefix === '' ? key : `${prefix}.${key}`)) out.set(path, leaf);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}
