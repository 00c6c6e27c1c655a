import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseBackendName } from '../options/backend-names.ts';
import { selectBackend } from './select-backend.ts';

describe('selectBackend', () => {
  it('settles on wasm once, however many callers ask at the same time', async () => {
    // Racing initialisations used to make wasm fail and fall through to the ~30x slower cpu backend.
    const engines = await Promise.all([selectBackend(), selectBackend(), selectBackend()]);
    expect(engines.map((e) => e.backend)).toEqual(['wasm', 'wasm', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
    expect(engines[0]!.versions['tfjs-core']).toBe(tf.version['tfjs-core']);
  });

  it('refuses an unknown TLAB_BACKEND by name', () => {
    expect(() => parseBackendName('gpu')).toThrow(expect.objectContaining({ code: 'TLAB_BACKEND_UNAVAILABLE', message: expect.stringContaining('TLAB_BACKEND=gpu') }));
    expect(parseBackendName('')).toBeUndefined();
    expect(parseBackendName(undefined)).toBeUndefined();
    expect(parseBackendName('cpu')).toBe('cpu');
  });
});
