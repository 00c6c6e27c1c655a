/**
 * One line of text for a swept or config value, as a spec would write it: strings bare, and a
 * mapping such as a swept `augment` level in YAML's flow style, `{rotation_range: 40, zoom_range: 0.2}`,
 * with the strings inside it quoted so that `{a: "1"}` and `{a: 1}` stay apart.
 */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  return typeof value === 'string' ? value : flowText(value);
}

function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([key, field]) => `${key}: ${flowText(field)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}
