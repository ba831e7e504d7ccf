// The model tests alone, for mutation testing: the files that kill most mutants in a second run
// first (Stryker stops a mutant at its first failing test), the end-to-end runs last. With
// MODEL_TESTS=units, only the model-level files that judge the shipped machine (the chart builds,
// golden outcomes, the machine's contract with its platform, the request requirements on the SDK's
// broker over an in-memory platform, random walks, generated paths; no server, no simulator):
// the first, fast pass.

import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

const ORDER = [
  'chart-builds.unit', 'golden-outcomes.unit', 'machine-contract.unit', 'request-broker.unit', 'requirements.unit', 'login-model.unit', 'planted-machines.unit', 'bounded-exploration.unit',
  'golden-scenarios.e2e', 'login-paths.e2e', 'planted-bugs.e2e',
];
const rank = (file: string) => {
  const at = ORDER.findIndex((name) => file.includes(`model-tests/${name}.test.ts`));
  return at < 0 ? ORDER.length : at;
};

class FastestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
  }
}

export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    include: process.env['MODEL_TESTS'] === 'units'
      ? ['model-tests/chart-builds.unit.test.ts', 'model-tests/golden-outcomes.unit.test.ts', 'model-tests/machine-contract.unit.test.ts', 'model-tests/request-broker.unit.test.ts', 'model-tests/requirements.unit.test.ts', 'model-tests/login-model.unit.test.ts']
      : ['model-tests/**/*.test.ts'],
    sequence: { sequencer: FastestFirst },
  },
});
