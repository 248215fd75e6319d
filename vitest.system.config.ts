import { defineConfig } from 'vitest/config';

/** Tests against software from Debian rather than npm (`npm run test:system`; .ci/run installs it). */
export default defineConfig({
  test: {
    include: ['test/**/*.system.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
