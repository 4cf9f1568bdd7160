import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (beside the code and under test/unit) and end-to-end tests
// (test/e2e) that start real servers, Xvfb and Debian Chromium. `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['electron/**/*.test.ts', 'common/**/*.test.ts', 'renderer/**/*.test.ts', 'native/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/pbx-sim/**/*.test.ts', 'scripts/**/*.test.ts', 'test/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
