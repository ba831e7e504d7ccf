// The documented scenarios end as the reviewed golden file says: a change to the machine that
// changes what a person sees, what is sent or what the server records fails here until the
// file is renewed on purpose (UPDATE_GOLDEN=1) and the diff reviewed.

import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelEvent } from './model/alphabet.js';
import { eventsFor } from './model/alphabet.js';
import { replay } from './model/paths.js';
import { initialModelState, modelStep } from './model/test-model.js';
import { readGolden, UPDATE_COMMAND, updating, writeGolden } from './golden/golden-file.js';
import type { Outcome } from './golden/outcome.js';
import { outcomeOf } from './golden/outcome.js';
import { SCENARIOS } from './golden/scenarios.js';
import { modelSceneSteps } from './properties/model-trace.js';
import { checkTrace } from './properties/index.js';
import { traceOf } from './properties/trace.js';
import { WALK_ALPHABET } from './walks/random-walk.js';
import type { LoginLogic } from './model/machine-step.js';
import type { MachineVariant } from './planted/machine-variants.js';
import { MACHINE_VARIANTS } from './planted/machine-variants.js';

/** What the person does, at any moment: tap, leave and come back, launch, reinstall. */
const PERSON = new Set<ModelEvent['type']>([
  'LOGIN', 'RETRY', 'LOGOUT', 'LOGOUT_EVERYWHERE', 'CONSENT', 'DENY', 'BIND_PHONE', 'SHOW', 'LAUNCH', 'RELAUNCH', 'REINSTALL',
  'ERASE', 'PRIVACY_CHECK', 'PRIVACY_AGREE', 'PRIVACY_REFUSE', 'HIDE',
]);

const outcomesOf = (machine?: LoginLogic): Record<string, Outcome> => Object.fromEntries(
  SCENARIOS.map((scenario) => [scenario.id, outcomeOf(scenario.title, modelSceneSteps(replay(scenario.events, machine)))]),
);
// Computed in beforeAll, not at import: a machine that breaks the model then fails the tests
// (a file that cannot load is not counted as a failing test by every runner).
let outcomes: Record<string, Outcome> = {};
let golden: Record<string, Outcome> = {};
// The documented scenarios stepped through the model: pure CPU, seconds on a quiet machine;
// the stated margin is for one shared with CPU burners and another suite (npm run test:busy).
beforeAll(() => {
  outcomes = outcomesOf();
  if (updating()) writeGolden(outcomes);
  golden = readGolden();
}, 300_000);

describe('the documented scenarios end as the golden file says', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.title, () => {
      expect(outcomes[scenario.id], `the outcome changed; if on purpose: ${UPDATE_COMMAND}, then review the diff`).toEqual(golden[scenario.id]);
    });
  }

  it('and the file holds exactly these scenarios', () => {
    expect(Object.keys(golden).sort()).toEqual(SCENARIOS.map((scenario) => scenario.id).sort());
  });

  it('which a machine with a bug planted does not match', () => {
    const changed = (variant: MachineVariant) => {
      const theirs = outcomesOf(variant.machine);
      return SCENARIOS.filter((scenario) => JSON.stringify(theirs[scenario.id]) !== JSON.stringify(golden[scenario.id])).map((scenario) => scenario.id);
    };
    const variant = (name: string) => MACHINE_VARIANTS.find((candidate) => candidate.name.includes(name))!;
    expect(changed(variant('canRetry allows'))).toEqual(['failures/wx-login-then-network']);
    expect(changed(variant('re-login cap is reached one re-login late'))).toEqual(['token-expiry/relogin-cap']);
    expect(changed(variant('forgotten before it is followed'))).toEqual(expect.arrayContaining(['share-deep-link/login-page', 'share-deep-link/signed-out']));
    expect(changed(variant('WeChat busy retried at once'))).toEqual(['failures/busy', 'failures/wx-login-then-network']);
  });
});

describe('the documented scenarios', () => {
  it('only let the world answer what is waiting for an answer (the person may tap anything)', () => {
    const alphabet = { ...WALK_ALPHABET, maxLiveRequests: 4 };
    for (const scenario of SCENARIOS) {
      let state = initialModelState();
      scenario.events.forEach((event, i) => {
        const offered = eventsFor(state, alphabet).map((candidate) => JSON.stringify(candidate));
        if (!PERSON.has(event.type)) expect(offered, `${scenario.id}, step ${i + 1}`).toContain(JSON.stringify(event));
        state = modelStep(state, event);
      });
    }
  });

  it('keep every requirement', () => {
    const broken = SCENARIOS.flatMap((scenario) =>
      checkTrace(traceOf(modelSceneSteps(replay(scenario.events)))).map((violation) => `${scenario.id}: ${violation.property.id}: ${violation.what}`));
    expect(broken).toEqual([]);
  });
});
