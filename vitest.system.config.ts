import { defineConfig } from 'vitest/config';

/**
 * Tests against software from Debian rather than npm, and tests that need root for a network
 * namespace of their own (`npm run test:system`; .ci/run installs what they need).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.system.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
