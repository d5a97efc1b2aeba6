import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests spawn ffmpeg and the CLI; two cores are shared between them.
    maxWorkers: 2,
    // Each test file's Console cache in a fresh folder (test/setup/hermetic-env.ts).
    setupFiles: ['test/setup/hermetic-env.ts'],
  },
});
