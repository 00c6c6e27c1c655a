import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Loading the embedded InceptionV3 and decoding real images take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One temporary folder for the whole run, removed at its end (see the file).
    globalSetup: ['../../vitest.temp-root.ts'],
  },
});
