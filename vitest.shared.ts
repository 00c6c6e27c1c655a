import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The one test config of every package: each package's `test` target runs
 * `vitest run --config ../../vitest.shared.ts` from its own folder, which stays the root.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Loading the embedded InceptionV3 and decoding real images take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One temporary folder for the whole run, removed at its end (see the file).
    globalSetup: [fileURLToPath(new URL('./vitest.temp-root.ts', import.meta.url))],
    // No test downloads: `weights: imagenet` resolves from local folders or fails with TLAB_WEIGHTS_MISSING.
    env: { TLAB_OFFLINE: '1' },
  },
});
