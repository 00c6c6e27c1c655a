import { describe, expect, it } from 'vitest';
import { FrozenPartKeeper } from './frozen-part-keeper.ts';

const options = { engine: 'tfjs', cacheDir: '/nonexistent', warn: () => undefined, tfjsThreads: 1 } as const;
const group = (cutoffs: string[], size = 32) => ({ backbone: { name: 'tiny_cnn', weights: 'embedded' }, imageSize: [size, size], cutoffs, variants: [] }) as never;

describe('FrozenPartKeeper', () => {
  it('keeps one frozen part across calls for the same backbone, size and cutoffs, and replaces it when they change', async () => {
    const keeper = new FrozenPartKeeper();
    const first = await keeper.session(group(['block1', 'block2']), options);
    expect(await keeper.session(group(['block1', 'block2']), options)).toBe(first);
    const other = await keeper.session(group(['block1']), options);
    expect(other).not.toBe(first);
    const larger = await keeper.session(group(['block1'], 48), options);
    expect(larger).not.toBe(other);
    // Closed, it keeps nothing: the same group gets a new part.
    await keeper.close();
    expect(await keeper.session(group(['block1'], 48), options)).not.toBe(larger);
    await keeper.close();
  });
});
