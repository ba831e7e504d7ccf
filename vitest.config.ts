import { defineConfig } from 'vitest/config';

// One suite: unit tests beside the code, integration tests against the real PostgreSQL,
// Redis and the simulator over real sockets. Two cores: keep workers to two.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // .stryker-tmp holds the sandboxes of a mutation run (npm run test:mutation) while it lasts.
    exclude: ['node_modules/**', 'dist/**', 'examples/**/node_modules/**', '.stryker-tmp/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    passWithNoTests: false,
  },
});
