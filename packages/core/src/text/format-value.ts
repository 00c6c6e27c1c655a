/**
 * One line of text for a swept or config value, as a spec would write it: strings bare, and a
 * mapping such as a swept `augment` level in YAML's flow style, `{rotation_range: 40, zoom_range: 0.2}`,
 * with a string inside it quoted where YAML would read it as something else, so that `{a: "1"}`
 * and `{a: 1}` stay apart. `significant` rounds numbers for tables (a drawn learning rate
 * 0.00031622776601683794 shows as 0.0003162); identities and tooltips keep the full value.
 */
export function formatValue(value: unknown, { significant }: { significant?: number } = {}): string {
  if (value === undefined) return '(not set)';
  return typeof value === 'string' ? value : flowText(value, significant);
}

// A string YAML would read back as the same string: `nearest` stays bare, "1" and "true" keep quotes.
const plainWord = /^[A-Za-z_][\w.-]*$/;
const yamlKeywords = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', '~']);

function flowText(value: unknown, significant: number | undefined): string {
  if (Array.isArray(value)) return `[${value.map((item) => flowText(item, significant)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([key, field]) => `${key}: ${flowText(field, significant)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'number' && significant !== undefined && !Number.isInteger(value)) return String(Number(value.toPrecision(significant)));
  return typeof value === 'string' && plainWord.test(value) && !yamlKeywords.has(value.toLowerCase()) ? value : JSON.stringify(value);
}

