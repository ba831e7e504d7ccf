// Proof that the generated paths bite: the same paths, run against a client with a bug planted
// (never by editing the client: a mutated copy of the machine, or a broken platform port), must
// disagree with the model, and say where and how; what the real system did up to there breaks
// the requirement that guards against the bug.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WxApi } from '../client/index.js';
import type { GatedWx } from './system/gate.js';
import { generatePaths } from './model/paths.js';
import type { PathDisagreement } from './run-path.js';
import { firstDisagreement } from './run-path.js';
import { checkTrace } from './properties/index.js';
import { traceOf } from './properties/trace.js';
import type { SystemWorld } from './system/world.js';
import { startSystem } from './system/world.js';

const planted = vi.hoisted(() => ({ singleFlightBroken: false }));

// The SDK gets a copy of the shipped machine whose "the token was already replaced" guard can be
// switched off: a 401 for an old token then starts another re-login instead of a replay.
vi.mock('../machines/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../machines/index.js')>();
  const isStaleToken = ({ context, event }: { context: { token: string | null }; event: { token?: string | null } }) =>
    !planted.singleFlightBroken && event.token !== context.token;
  return { ...actual, loginMachine: actual.loginMachine.provide({ guards: { isStaleToken } as never }) };
});

const { paths } = generatePaths();
let world: SystemWorld;
beforeAll(async () => {
  world = await startSystem();
});
afterAll(() => world.close());

function caught(disagreement: PathDisagreement | null): PathDisagreement {
  expect(disagreement, 'no generated path noticed the planted bug').not.toBeNull();
  console.log(disagreement!.report);
  return disagreement!;
}

const fields = (disagreement: PathDisagreement) => (typeof disagreement.found === 'string' ? [] : disagreement.found);

/** The requirements the real system broke up to the disagreement. */
const brokenRequirements = (disagreement: PathDisagreement) =>
  checkTrace(traceOf(disagreement.shown)).map((violation) => violation.property.id);

describe('the generated paths catch a planted bug', () => {
  it('a re-login that is not single-flight (a late 401 for a replaced token logs in again)', async () => {
    planted.singleFlightBroken = true;
    try {
      const disagreement = caught(await firstDisagreement(world, paths, {}));
      // Expected back in the session (signed in, or the consent box), it logs in again instead.
      expect(fields(disagreement)).toContainEqual(expect.objectContaining({
        field: 'machine state', expected: expect.stringMatching(/^session\./), shown: expect.stringMatching(/^reauthenticating\./),
      }));
      expect(brokenRequirements(disagreement)).toContain('gone-answer-handling');
    } finally {
      planted.singleFlightBroken = false;
    }
  });

  it('the deep link dropped (a navigator port whose redirectTo does nothing)', async () => {
    const redirectIgnored = (wx: GatedWx): WxApi => ({
      ...wx,
      redirectTo: (option) => {
        void Promise.resolve().then(() => option.success?.({ errMsg: 'redirectTo:ok' }));
      },
    });
    const disagreement = caught(await firstDisagreement(world, paths, { wx: redirectIgnored }));
    expect(fields(disagreement)).toContainEqual(expect.objectContaining({
      field: 'page stack', expected: 'pages/share/index?from=a b&invite=abc', shown: 'pages/login/index',
    }));
    expect(brokenRequirements(disagreement)).toContain('deep-link-followed-once');
  });

  it("the seed's request wrapper (clears all storage on an answer with code -1)", async () => {
    const seedWrapper = (wx: GatedWx): WxApi => ({
      ...wx,
      request: (option) => wx.request({
        ...option,
        success: (answer) => {
          if ((answer.data as { code?: number } | null)?.code === -1) wx.clearStorageSync();
          option.success?.(answer);
        },
      }),
    });
    const disagreement = caught(await firstDisagreement(world, paths, { wx: seedWrapper }));
    expect(fields(disagreement)).toContainEqual(expect.objectContaining({ field: 'login in storage', shown: 'nothing' }));
  });
});
