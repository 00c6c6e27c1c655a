/**
 * The first `limit` items, joined, then how many more: lists read from a disk stay one line (10,000
 * extra class folders once made a 69 KB error message).
 */
export function listSome(items: readonly string[], limit = 10, separator = ', '): string {
  if (items.length <= limit) return items.join(separator);
  return `${items.slice(0, limit).join(separator)}${separator}and ${items.length - limit} more`;
}
