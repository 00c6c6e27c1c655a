/**
 * JSON with object keys sorted and no whitespace, so equal data always gives the same bytes (and
 * hashes) whatever order it was written in. Numbers print as JavaScript prints them. Keys whose
 * value is undefined are left out, as JSON.stringify does, so an absent optional field and an
 * undefined one hash the same. Anything without a single JSON form is refused rather than guessed.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  // Plain loops and string concatenation: sweeps hash every variant's config, so this is hot.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    let out = '{';
    for (const key of Object.keys(value).sort()) {
      const field = value[key];
      if (field === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(field)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} value has no JSON form`);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
