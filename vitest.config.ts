import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Child processes and loopback servers: generous bounds that only catch hangs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['./test/support/isolated-cwd.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
