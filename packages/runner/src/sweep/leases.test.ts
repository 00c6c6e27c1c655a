import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RunInterruptedError } from '@tlab/trainer';
import { sleep } from './leases.ts';

describe('sleep', () => {
  it('leaves no abort listener behind once slept (a waiting sweep once set off MaxListenersExceededWarning)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends at once on abort, saying it marked no run', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    const error = await slept.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunInterruptedError);
    expect((error as RunInterruptedError).marked).toEqual([]);
  });
});
