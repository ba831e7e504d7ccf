// Long seeded random walks of the machine in its abstract world: at each step one of the events
// the world offers is picked by a number fast-check draws, so a failing walk shrinks to a short
// one and replays from its seed. Bounded by counts: steps per walk and walks per run.

import fc from 'fast-check';
import { loginMachine } from '../../machines/login-machine.js';
import type { Alphabet, ModelEvent } from '../model/alphabet.js';
import { CONFIGS, eventsFor } from '../model/alphabet.js';
import type { LoginLogic } from '../model/machine-step.js';
import type { ModelPath } from '../model/paths.js';
import { goalsOf } from '../model/paths.js';
import { initialModelState, modelStep } from '../model/test-model.js';

export const WALKS = {
  /** Events per walk: long enough for two re-logins, a relaunch and a logout in one walk. */
  steps: 60,
  /** Walks per run of the suite. */
  runs: 200,
  seed: 16,
} as const;

/** Every app the SDK can be configured as, several page requests alive at once, every button the page shows. */
export const WALK_ALPHABET: Alphabet = {
  configs: [
    ...CONFIGS.filter((config) => !config.focus),
    { mode: 'component', profile: 'required', privacy: 'wechat' }, { mode: 'component', profile: 'required', privacy: 'popup' },
    { mode: 'loginPage', profile: 'none', privacy: 'wechat' }, { mode: 'loginPage', profile: 'required', privacy: 'wechat' },
    { mode: 'component', profile: 'none', privacy: 'popup' },
  ],
  maxLiveRequests: 3,
  taps: 'shown',
  gate: 'free',
};

/**
 * How likely each kind of event is: the world mostly answers, sometimes fails; pages ask and
 * the other phone revokes often enough for re-logins to pile up; launches are rarer.
 */
function weight(event: ModelEvent): number {
  switch (event.type) {
    case 'END':
      return event.ending === 'done' ? 8 : 2;
    case 'ANSWER':
      return 8;
    case 'TIMER':
      return 6;
    case 'REQUEST':
    case 'REVOKE_ELSEWHERE':
      return 6;
    case 'RELAUNCH':
    case 'REINSTALL':
      return 1;
    case 'GUIDE_UPDATED':
    case 'PRIVACY_AGREE':
      return 4;
    case 'PRIVACY_CHECK':
    case 'HIDE':
    case 'ERASE':
    case 'UNDECLARED':
      return 1;
    default:
      return 2;
  }
}

function pick(offered: readonly ModelEvent[], choice: number): ModelEvent {
  const weights = offered.map(weight);
  let left = choice % weights.reduce((sum, w) => sum + w, 0);
  for (const [i, w] of weights.entries()) {
    if (left < w) return offered[i]!;
    left -= w;
  }
  return offered[offered.length - 1]!;
}

/** The walk a list of choices makes: choice i picks among the events offered at step i, by weight. */
export function walk(choices: readonly number[], machine: LoginLogic = loginMachine, alphabet: Alphabet = WALK_ALPHABET): ModelPath {
  let state = initialModelState(machine);
  const goals = new Set<string>();
  const steps: ModelPath['steps'] = [];
  for (const choice of choices) {
    const offered: ModelEvent[] = eventsFor(state, alphabet);
    if (offered.length === 0) break;
    const event = pick(offered, choice);
    state = modelStep(state, event);
    for (const goal of goalsOf(state.last)) goals.add(goal);
    steps.push({ event, state });
  }
  return { steps, goals };
}

export const choicesArbitrary = (steps: number = WALKS.steps) =>
  fc.array(fc.nat({ max: 10_000 }), { minLength: steps, maxLength: steps });
