import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRunSettings, resolveRunSettings } from './run-settings.ts';

describe('resolveRunSettings: flag, then environment, then default, validated once', () => {
  it('takes the defaults with neither', () => {
    expect(resolveRunSettings({}, { HOME: '/home/u' })).toEqual({
      backend: undefined,
      frozenEngine: 'onnx',
      dataRoot: undefined,
      weights: { weightsDir: undefined, kerasCacheDir: path.join('/home/u', '.keras', 'models'), download: true },
    });
    expect(defaultRunSettings().weights.download).toBe(false);
  });

  it('reads the environment, and a flag wins over its variable', () => {
    const env = { TLAB_BACKEND: 'cpu', TLAB_FROZEN_ENGINE: 'tfjs', TLAB_DATA_ROOT: '/env/data', TLAB_WEIGHTS_DIR: '/env/weights', TLAB_OFFLINE: '1' };
    expect(resolveRunSettings({}, env)).toMatchObject({
      backend: 'cpu',
      frozenEngine: 'tfjs',
      dataRoot: '/env/data',
      weights: { weightsDir: '/env/weights', download: false },
    });
    expect(resolveRunSettings({ frozenEngine: 'onnx', dataRoot: '/flag/data', weightsDir: '/flag/weights' }, env)).toMatchObject({
      frozenEngine: 'onnx',
      dataRoot: '/flag/data',
      weights: { weightsDir: '/flag/weights' },
    });
  });

  it('refuses an unknown backend or frozen engine by its code', () => {
    expect(() => resolveRunSettings({}, { TLAB_BACKEND: 'gpu' })).toThrow(expect.objectContaining({ code: 'TLAB_BACKEND_UNAVAILABLE' }));
    expect(() => resolveRunSettings({}, { TLAB_FROZEN_ENGINE: 'tensorrt' })).toThrow(expect.objectContaining({ code: 'TLAB_FROZEN_ENGINE' }));
  });
});
