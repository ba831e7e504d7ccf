// The operators' lock-out, as the fold of their stream: given the events so far, a sign-in
// attempt decides the next ones.

import { describe, expect, it } from 'vitest';
import { decideSignIn, evolveOperator, initialOperatorState, type OperatorEvent, type SignInAttempt } from './operator-stream.js';

const NOW = new Date('2026-12-06T08:00:00.000Z');
const at = NOW.toISOString();

function given(events: OperatorEvent[]) {
  const state = events.reduce(evolveOperator, initialOperatorState);
  return {
    when: (attempt: Partial<SignInAttempt> & { ok: boolean }) =>
      decideSignIn(state, {
        operator: 'alice',
        via: 'password',
        address: '127.0.0.1',
        now: NOW,
        maxFailedSignIns: 3,
        lockoutSeconds: 900,
        proves: async () => attempt.ok,
        ...attempt,
      }),
  };
}

const failed: OperatorEvent = { type: 'OperatorSignInFailed', data: { operator: 'alice', address: '127.0.0.1', at } };
const signedIn: OperatorEvent = { type: 'OperatorSignedIn', data: { operator: 'alice', via: 'password', address: '127.0.0.1', at } };

describe('operator sign-in and lock-out', () => {
  it('records a success, and a failure', async () => {
    expect(await given([]).when({ ok: true })).toEqual([signedIn]);
    expect(await given([]).when({ ok: false })).toEqual([failed]);
  });

  it('locks out at the third failure in a row', async () => {
    expect(await given([failed, failed]).when({ ok: false })).toEqual([
      failed,
      { type: 'OperatorLockedOut', data: { operator: 'alice', until: '2026-12-06T08:15:00.000Z', at } },
    ]);
  });

  it('counts failures since the last success only', async () => {
    expect(await given([failed, failed, signedIn]).when({ ok: false })).toEqual([failed]);
  });

  it('checks no password while locked out, and lets the operator in once the lock is over', async () => {
    const locked: OperatorEvent = { type: 'OperatorLockedOut', data: { operator: 'alice', until: '2026-12-06T08:10:00.000Z', at } };
    let checked = false;
    await expect(given([failed, failed, failed, locked]).when({ ok: true, proves: async () => (checked = true) })).rejects.toMatchObject({
      code: 'ADMIN_LOCKED_OUT',
      retryAfterSeconds: 600,
    });
    expect(checked).toBe(false);
    expect(await given([locked]).when({ ok: true, now: new Date('2026-12-06T08:10:00.000Z') })).toMatchObject([{ type: 'OperatorSignedIn' }]);
  });

  it('keeps the state through sign-outs and actions', () => {
    const state = [failed, { type: 'OperatorSignedOut', data: { operator: 'alice', at } }, { type: 'OperatorActed', data: { operator: 'alice', action: 'export', userId: 'u', at } }]
      .reduce((each, event) => evolveOperator(each, event as OperatorEvent), initialOperatorState);
    expect(state).toEqual({ failedInARow: 1, lockedUntil: null });
  });
});
