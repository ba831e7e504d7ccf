// Every path generated from the login machine, run end to end: the SDK in the simulator's wx
// runtime, the real server over HTTP, real PostgreSQL. The requirements are checked on what the
// real system did, step by step; then the coverage of the machine's definition by what the
// SDK's machine really did.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoverageTally } from './coverage.js';
import { describeEvent } from './model/alphabet.js';
import { checkTrace, describeViolation } from './properties/index.js';
import { traceOf } from './properties/trace.js';
import { generatePaths } from './model/paths.js';
import { describePath, runPath } from './run-path.js';
import type { SystemWorld } from './system/world.js';
import { startSystem } from './system/world.js';

const { paths } = generatePaths();
const tally = new CoverageTally();
let world: SystemWorld;
let startedAt = 0;

beforeAll(async () => {
  world = await startSystem();
  startedAt = performance.now();
});
afterAll(() => world.close());

const title = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}…` : text);

describe('paths generated from the login machine', () => {
  paths.forEach((path, i) => {
    const name = `Path ${i + 1} of ${paths.length}`;
    it(title(`${name}: ${describePath(path)}`), async () => {
      const run = await runPath(world, path, name);
      tally.add(path, run.records);
      const trace = traceOf(run.shown);
      const broken = checkTrace(trace).map((violation) => describeViolation(violation, trace, (step) => describeEvent(step.event)));
      expect(broken.join('\n\n'), 'the requirements on what the real system did').toBe('');
    });
  });

  it('cover every state node and every transition of the machine', () => {
    const lines = tally.summary();
    lines.push(`  model run: ${paths.length} paths in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    console.log(lines.join('\n'));
    expect(tally.uncoveredStates()).toEqual([]);
    expect(tally.uncoveredTransitions()).toEqual([]);
    expect(tally.uncoveredExtras()).toEqual([]);
  });
});
