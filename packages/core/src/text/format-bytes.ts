const units = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** A size for people: `512 bytes`, `37.4 MB`, `1.2 GB` (powers of 1024, one decimal). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
