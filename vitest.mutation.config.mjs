import { defineConfig } from 'vitest/config';

/**
 * The tests mutation testing runs (`npm run mutation`): only the fast
 * in-process ones. The child-process tests run the built dist/, which Stryker
 * does not mutate, so they could not kill a mutant and would only cost time.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // As in the main config: a mutant must never find or write files in the repository.
    // (Stryker runs vitest in worker threads, where isolated-cwd.ts can't chdir.)
    setupFiles: ['./test/support/isolated-cwd-threads.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
