// The documented scenarios, run end to end on the real system (the SDK in the simulator's wx
// runtime, the server, PostgreSQL): each step agrees with the model, the whole run ends as the
// reviewed golden file says, server events included, and keeps every requirement.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEvent } from './model/alphabet.js';
import { replay } from './model/paths.js';
import { readGolden } from './golden/golden-file.js';
import { outcomeOf } from './golden/outcome.js';
import { SCENARIOS } from './golden/scenarios.js';
import { checkTrace, describeViolation } from './properties/index.js';
import { traceOf } from './properties/trace.js';
import { runPath } from './run-path.js';
import type { SystemWorld } from './system/world.js';
import { startSystem } from './system/world.js';

const golden = readGolden();
let world: SystemWorld;
beforeAll(async () => {
  world = await startSystem();
});
afterAll(() => world.close());

describe('the documented scenarios on the real system', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.title, async () => {
      const run = await runPath(world, replay(scenario.events), scenario.title);
      expect(outcomeOf(scenario.title, run.shown)).toEqual(golden[scenario.id]);
      const trace = traceOf(run.shown);
      const broken = checkTrace(trace).map((violation) => describeViolation(violation, trace, (step) => describeEvent(step.event)));
      expect(broken.join('\n\n')).toBe('');
    });
  }
});
