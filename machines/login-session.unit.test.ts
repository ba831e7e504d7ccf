// Inside a session: a token the server refuses while the person logs out everywhere or binds a
// phone, and page requests that reach the machine while it holds a token.

import { describe, expect, it } from 'vitest';
import { alice, effectTypes, grant, launchedPlatform, scriptedPlatform, settle } from './testing/scripted-platform.js';

const refused = { reason: 'loginGone', code: 'TOKEN_REVOKED', status: 401 } as const;
const legacy = { kind: 'wechat', encryptedData: 'ZW5j', iv: 'aXY=' } as const;

async function signedIn() {
  const { p, actor } = await launchedPlatform();
  expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
  return { p, actor };
}

const toasts = (p: ReturnType<typeof scriptedPlatform>) => p.effects.filter((effect) => effect.type === 'showFailure');

describe('log out everywhere judges the failure it is handling', () => {
  it('a token the server already refuses signs out at the first tap, with no toast', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'LOGOUT_EVERYWHERE' });
    p.revokeSessions.fail(refused);
    await settle();
    expect(actor.getSnapshot().value).toBe('signedOut');
    expect(actor.getSnapshot().context).toMatchObject({ token: null, user: null, error: null });
    expect(p.revokeSessions.calls).toEqual([{ token: 't1' }]);
    expect(toasts(p)).toEqual([]);
  });

  it('a network failure after an earlier refused-token error stays signed in and says so', async () => {
    const { p, actor } = await signedIn();
    // An optional profile update whose resend is refused leaves a loginGone error behind.
    actor.send({ type: 'CONSENT', draft: legacy });
    p.submitConsent.fail({ reason: 'decrypt', code: 'OPEN_DATA_DECRYPT_FAILED' }).fail(refused);
    p.wxLogin.succeed({ code: 'c2' });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(actor.getSnapshot().context.error?.reason).toBe('loginGone');

    actor.send({ type: 'LOGOUT_EVERYWHERE' });
    p.revokeSessions.fail({ reason: 'network', code: 'NETWORK' });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(actor.getSnapshot().context.token).toBe('t1');
    expect(actor.getSnapshot().context.error?.code).toBe('NETWORK');
    expect(toasts(p).at(-1)).toEqual({ type: 'showFailure', error: 'NETWORK' });
  });
});

describe('binding a phone with a token the server refuses', () => {
  it('logs in again, as consent does, and asks for another tap: the phone code was single-use', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'BIND_PHONE', code: 'p1' });
    p.bindPhone.fail(refused);
    await settle();
    const snap = actor.getSnapshot();
    expect(snap.value).toEqual({ reauthenticating: 'obtainingCode' });
    expect(snap.context.token).toBeNull();
    expect(snap.context.error).toMatchObject({ reason: 'loginGone', code: 'PHONE_NOT_BOUND' });
    expect(snap.context.error?.message).toMatch(/tap the button again/);
    // The toast comes after the loading mask is hidden, or hiding it would hide the toast too.
    expect(effectTypes(p.effects).slice(-2)).toEqual(['hideBusy', 'showFailure']);
    expect(toasts(p)).toEqual([{ type: 'showFailure', error: 'PHONE_NOT_BOUND' }]);

    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t2'));
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(actor.getSnapshot().context).toMatchObject({ token: 't2', error: null });
    expect(p.bindPhone.calls).toEqual([{ token: 't1', code: 'p1' }]); // the spent code is not resent

    actor.send({ type: 'BIND_PHONE', code: 'p2' });
    p.bindPhone.succeed({ user: { ...alice, phone: '138****0000' } });
    await settle();
    expect(p.bindPhone.calls.at(-1)).toEqual({ token: 't2', code: 'p2' });
    expect(actor.getSnapshot().context.user?.phone).toBe('138****0000');
  });

  it('any other failure (a bad phone code) keeps the session and shows the reason', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'BIND_PHONE', code: 'p1' });
    p.bindPhone.fail({ reason: 'badCode', code: 'WECHAT_PHONE_CODE_INVALID', errcode: 40029 });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(actor.getSnapshot().context.token).toBe('t1');
    expect(toasts(p)).toEqual([{ type: 'showFailure', error: 'WECHAT_PHONE_CODE_INVALID' }]);
    expect(p.wxLogin.calls).toHaveLength(1);
  });
});

describe('page requests in a session', () => {
  it('go out at once with the current token, also while a session step runs', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'QUEUE_REQUEST', requestId: 'r1' });
    expect(p.effects.at(-1)).toEqual({ type: 'replayRequest', ids: ['r1'] });
    actor.send({ type: 'BIND_PHONE', code: 'p1' });
    actor.send({ type: 'QUEUE_REQUEST', requestId: 'r2' });
    expect(p.effects.at(-1)).toEqual({ type: 'replayRequest', ids: ['r2'] });
    expect(actor.getSnapshot().context.pendingRequests).toEqual([]);
  });
});
