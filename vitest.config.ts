import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // *.system.test.ts need Debian packages beyond Node and npm (gst-rtsp-server): `npm run test:system`.
    exclude: [...configDefaults.exclude, 'test/**/*.system.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Simulator-backed suites spawn real ffmpeg processes; two cores are all CI has.
    maxWorkers: 2,
  },
});
