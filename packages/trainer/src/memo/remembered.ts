/**
 * A per-process memo of asynchronous results by key: the first call for a key starts `compute`,
 * later calls share its promise. A rejected promise is forgotten, so the next call tries again (a
 * download that failed, a file placed since).
 */
export function remembered<T>(): (key: string, compute: () => Promise<T>) => Promise<T> {
  const results = new Map<string, Promise<T>>();
  return (key, compute) => {
    let result = results.get(key);
    if (result === undefined) {
      result = compute();
      results.set(key, result);
      result.catch(() => results.delete(key));
    }
    return result;
  };
}
