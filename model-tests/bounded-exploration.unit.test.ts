// Exploring a machine whose context grows without bound stops early, by count, with the name
// of the value that grows: never a walk that runs until memory is gone.

import { assign } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { LoginContext } from '../machines/index.js';
import { loginMachine } from '../machines/login-machine.js';
import type { ModelEvent } from './model/alphabet.js';
import { COUNT_LIMIT, explosionReport, MAX_MODEL_STATES, UnboundedContextError } from './model/bounds.js';
import type { LoginLogic } from './model/machine-step.js';
import { generatePaths, replay } from './model/paths.js';

/** "A retry that never stops": the retry guard always says yes, so every used code counts one more. */
const retriesUnbounded = loginMachine.provide({ guards: { canRetry: () => true } } as never) as LoginLogic;

/** A counter the chart gained and nothing resets or bounds: every retry also counts an attempt. */
const attemptsUnbounded = loginMachine.provide({
  actions: {
    countRetry: assign(({ context }: { context: LoginContext & { attempts?: number } }) =>
      ({ retries: context.retries + 1, attempts: (context.attempts ?? 0) + 1 })),
  },
} as never) as LoginLogic;

const usedCode: ModelEvent[] = [{ type: 'END', invoke: 'wxLogin', ending: 'done' }, { type: 'END', invoke: 'exchangeCode', ending: 'codeUsed' }];

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the exploration to stop');
}

describe('bounded exploration', () => {
  it('stops path generation at the first state where a count passes its limit, naming it, one the model never heard of', () => {
    const error = failure(() => generatePaths(attemptsUnbounded));
    expect(error).toBeInstanceOf(UnboundedContextError);
    expect(error.message).toMatch(new RegExp(`context value "attempts" reached ${COUNT_LIMIT + 1} after`));
  });

  it(`past ${MAX_MODEL_STATES} model states, names the counts that kept growing`, () => {
    const usedCodes = (n: number): ModelEvent[] => [
      { type: 'INSTALL', mode: 'component', profile: 'none' }, { type: 'LAUNCH', page: 'share' },
      ...Array.from({ length: n }, () => usedCode).flat(),
    ];
    const visited = [1, 2, 3].map((n) => replay(usedCodes(n), retriesUnbounded).steps.at(-1)!.state);
    expect(explosionReport(visited)).toMatch(/context values that kept growing: "retries" \(up to 3\)\./);
    expect(explosionReport([replay(usedCodes(1)).steps.at(-1)!.state])).toMatch(/no count in the login context grew/);
  });

  it(`stops a walk at the step where a count passes ${COUNT_LIMIT}`, () => {
    const events: ModelEvent[] = [
      { type: 'INSTALL', mode: 'component', profile: 'none' }, { type: 'LAUNCH', page: 'share' },
      ...Array.from({ length: COUNT_LIMIT + 1 }, () => usedCode).flat(),
    ];
    const error = failure(() => replay(events, retriesUnbounded));
    expect(error).toBeInstanceOf(UnboundedContextError);
    expect(error.message).toMatch(new RegExp(`"retries" reached ${COUNT_LIMIT + 1} after "exchangeCode fails: code been used`));
    expect(() => replay(events.slice(0, -2), retriesUnbounded)).not.toThrow();
  });
});
