/**
 * Mutation testing of the privacy and consent code: `npm run mutation`.
 * Reports (clear text, html, json) land in reports/.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    'src/privacy/**/*.ts',
    'src/consent/**/*.ts',
    // Every file here holds code; a file of types only would be listed as '!path' (nothing to mutate).
  ],
  testRunner: 'vitest',
  // related: false, because vitest can't map the tests' `.js` import specifiers back to the
  // mutated `.ts` files; perTest coverage picks the tests for each mutant anyway.
  vitest: { configFile: 'vitest.mutation.config.mjs', related: false },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  timeoutMS: 10_000,
};
