import { describe, expect, it } from 'vitest';
import { remembered } from './remembered.ts';

describe('remembered', () => {
  it('computes once per key and shares the promise', async () => {
    const memo = remembered<number>();
    let calls = 0;
    const compute = async () => ++calls;
    const first = memo('a', compute);
    expect(memo('a', compute)).toBe(first);
    expect(await first).toBe(1);
    expect(await memo('b', compute)).toBe(2);
    expect(calls).toBe(2);
  });

  it('forgets a rejected promise, so the next call computes again', async () => {
    const memo = remembered<string>();
    await expect(memo('a', async () => Promise.reject(new Error('not yet')))).rejects.toThrow('not yet');
    await expect(memo('a', async () => 'placed since')).resolves.toBe('placed since');
  });
});
