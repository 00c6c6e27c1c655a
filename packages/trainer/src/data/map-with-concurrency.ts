import os from 'node:os';

/**
 * How many images are decoded at once. sharp runs each on libuv's thread pool, so a few more than
 * the cores keeps them busy while others wait on the disk; measured best at 8 on 2 cores.
 */
export const decodeConcurrency = Math.max(4, 2 * os.availableParallelism());

/** `Promise.all(items.map(work))` with at most `limit` calls running; stops starting new ones after a failure. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
