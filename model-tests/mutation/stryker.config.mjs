// Mutation testing of the login machine and the client's request handling against the model
// tests alone (`npm run test:mutation` runs it, then the whole suite on what survives).
// @ts-check

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'model-tests/mutation/vitest.config.ts', related: true },
  mutate: ['machines/**/*.ts', '!machines/**/*.test.ts', '!machines/testing/**', '!machines/index.ts', 'client/requests.ts'],
  plugins: ['@stryker-mutator/vitest-runner', './model-tests/mutation/ignore-descriptions.mjs'],
  ignorers: ['chart-descriptions'],
  // Every test of the chosen files runs for every mutant (most are static: the chart is built at
  // import); a per-test selection would skip the assertions of tests that share a computation.
  coverageAnalysis: 'all',
  concurrency: 2,
  timeoutMS: 30_000,
  timeoutFactor: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'coverage', '.miniauth', 'bench/results.json', '.ci'],
  reporters: ['progress', 'clear-text', 'json'],
  jsonReporter: { fileName: 'reports/mutation/model-tests.json' },
  clearTextReporter: { allowColor: false, logTests: false },
  disableTypeChecks: true,
  checkers: [],
};
