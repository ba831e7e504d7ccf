// The rest of the suite, for the mutants the model tests let through: every test but the model
// tests (already run), the benchmarks and the load test (they measure, they do not judge), and
// the PostgreSQL restart test (it restarts the database every other suite uses).

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    exclude: [
      ...(base.test?.exclude ?? []),
      'model-tests/**', 'bench/**', 'reliability/load.int.test.ts', 'reliability/postgres-restart.int.test.ts',
    ],
  },
});
