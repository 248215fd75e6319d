import { defineConfig } from 'vitest/config';

/**
 * Tests against software from Debian rather than npm, tests that need root for a network
 * namespace of their own, and timed tests that must not share the machine with another test file
 * (`npm run test:system`, one file at a time; .ci/run installs what they need).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.system.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
