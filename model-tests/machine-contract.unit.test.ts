// The machine's contract with its platform, checked on the machine running with its actors (the
// task actor the client's calls run in) rather than stepped: the generated paths and the random
// walks end each call by an event of their own, so they never see what a call is given, what a
// call answering late does, nor the timers' exact lengths. Each check names the requirement it
// comes from (properties/requirements.ts); what it observes is what the platform sees: the
// calls and their inputs, the effects (toasts, replays, rejections), the timers on the clock,
// and the failure handed to the page.

import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { loginMachine } from '../machines/login-machine.js';
import { fromTask } from '../machines/task.js';
import { DEFAULT_LOGIN_SETTINGS } from '../machines/types.js';
import {
  alice, anonymous, DAY, effectTypes, grant, launchedPlatform, NOW, scriptedPlatform, settle,
} from '../machines/testing/scripted-platform.js';
import type {
  ConsentDraft, ExchangeCodeInput, LoginFailure, LoginGrant, LoginInput, SubmitConsentInput, UserOutput, WxLoginOutput,
} from '../machines/types.js';

const profile: ConsentDraft = { kind: 'profile', nickname: 'Alice', avatarUrl: 'https://a/1.png' };
const payload: ConsentDraft = { kind: 'wechat', encryptedData: 'enc', iv: 'iv' };
const launch = (now = NOW) => ({ type: 'LAUNCH' as const, path: 'pages/index/index', query: {}, now });

describe('R6, R8: each call carries what the requirement names', () => {
  it('the exchange sends the code the last wx.login returned', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.fail({ reason: 'codeUsed' });
    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t1'));
    const actor = p.start();
    actor.send(launch());
    await settle();
    expect(p.exchangeCode.calls).toEqual([{ code: 'c1' }, { code: 'c2' }]);
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
  });

  it('consent goes with the token and the draft from the box; a resend after a stale key also with a fresh code', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    expect(actor.getSnapshot().hasTag('needsConsent')).toBe(true);
    p.submitConsent.fail({ reason: 'decrypt', code: 'DECRYPT_FAILED' });
    p.wxLogin.succeed({ code: 'fresh' });
    p.submitConsent.succeed({ user: alice });
    actor.send({ type: 'CONSENT', draft: payload });
    await settle();
    expect(p.submitConsent.calls).toEqual([
      { token: 't1', draft: payload, code: null },
      { token: 't1', draft: payload, code: 'fresh' },
    ]);
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);

    // The next profile update is sent on its own: the fresh code was used once and dropped.
    p.submitConsent.succeed({ user: alice });
    actor.send({ type: 'CONSENT', draft: profile });
    await settle();
    expect(p.submitConsent.calls[2]).toEqual({ token: 't1', draft: profile, code: null });
  });

  it('a phone number goes with the token and the code the button gave; logging out everywhere with the token', async () => {
    const { p, actor } = await launchedPlatform();
    p.bindPhone.succeed({ user: { ...alice, phone: '138****0000' } });
    actor.send({ type: 'BIND_PHONE', code: 'phone-code' });
    await settle();
    expect(p.bindPhone.calls).toEqual([{ token: 't1', code: 'phone-code' }]);
    p.revokeSessions.succeed(undefined);
    actor.send({ type: 'LOGOUT_EVERYWHERE' });
    await settle();
    expect(p.revokeSessions.calls).toEqual([{ token: 't1' }]);
    expect(actor.getSnapshot().value).toBe('signedOut');
  });
});

describe('R3: a submission that fails tells the person, and the session holds', () => {
  const cases = [
    { name: 'a profile', send: { type: 'CONSENT', draft: profile } as const, fail: (p: ReturnType<typeof scriptedPlatform>) => p.submitConsent.fail({ reason: 'server', code: 'PROFILE_REFUSED' }) },
    { name: 'a phone number', send: { type: 'BIND_PHONE', code: 'x' } as const, fail: (p: ReturnType<typeof scriptedPlatform>) => p.bindPhone.fail({ reason: 'server', code: 'PHONE_REFUSED' }) },
    { name: 'logging out everywhere', send: { type: 'LOGOUT_EVERYWHERE' } as const, fail: (p: ReturnType<typeof scriptedPlatform>) => p.revokeSessions.fail({ reason: 'network', code: 'REVOKE_FAILED' }) },
    { name: 'an erasure', send: { type: 'ERASE' } as const, fail: (p: ReturnType<typeof scriptedPlatform>) => p.eraseAccount.fail({ reason: 'network', code: 'ERASE_FAILED' }) },
  ];
  for (const { name, send, fail } of cases) {
    it(`${name}`, async () => {
      const { p, actor } = await launchedPlatform();
      const before = p.effects.length;
      fail(p);
      actor.send(send);
      await settle();
      const code = actor.getSnapshot().context.error?.code;
      expect(code).toMatch(/_REFUSED$|_FAILED$/);
      expect(p.effects.slice(before).filter((e) => e.type === 'showFailure')).toEqual([{ type: 'showFailure', error: code }]);
      // Signed in and idle again: back where the person started, not on a spinner.
      expect(actor.getSnapshot().matches({ session: 'signedIn' })).toBe(true);
      expect(actor.getSnapshot().hasTag('busy')).toBe(false);
    });
  }

  it('a fresh code that cannot be had for a resend', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    p.submitConsent.fail({ reason: 'decrypt', code: 'DECRYPT_FAILED' });
    p.wxLogin.fail({ reason: 'wxLogin', code: 'WX_LOGIN_FAILED' });
    actor.send({ type: 'CONSENT', draft: payload });
    await settle();
    expect(p.effects.filter((e) => e.type === 'showFailure').at(-1)).toEqual({ type: 'showFailure', error: 'WX_LOGIN_FAILED' });
    expect(actor.getSnapshot().context.consent).toBeNull();
    expect(actor.getSnapshot().hasTag('needsConsent')).toBe(true);
  });

  it('a resend that fails again', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    p.submitConsent.fail({ reason: 'decrypt', code: 'DECRYPT_FAILED' });
    p.wxLogin.succeed({ code: 'fresh' });
    p.submitConsent.fail({ reason: 'decrypt', code: 'DECRYPT_AGAIN' });
    actor.send({ type: 'CONSENT', draft: payload });
    await settle();
    expect(p.submitConsent.calls).toHaveLength(2);
    expect(p.effects.filter((e) => e.type === 'showFailure').at(-1)).toEqual({ type: 'showFailure', error: 'DECRYPT_AGAIN' });
    expect(actor.getSnapshot().context.freshCode).toBeNull();
    // Back on the box, not a busy spinner.
    expect(actor.getSnapshot().matches({ session: 'awaitingConsent' })).toBe(true);
    expect(actor.getSnapshot().hasTag('busy')).toBe(false);
  });
});

describe('R5: a call the login left behind answers into the void', () => {
  it('a grant arriving after a logout changes nothing', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    const actor = p.start();
    actor.send(launch());
    await settle();
    expect(p.exchangeCode.calls).toHaveLength(1);
    actor.send({ type: 'LOGOUT' });
    p.exchangeCode.succeed(grant('late'));
    await settle();
    expect(actor.getSnapshot().value).toBe('signedOut');
    expect(actor.getSnapshot().context.token).toBeNull();
  });

  it('a failure arriving after a relaunch changes nothing', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    const actor = p.start();
    actor.send(launch());
    await settle();
    p.wxLogin.succeed({ code: 'c2' });
    actor.send(launch(NOW + 1000)); // the first exchange is still out
    await settle();
    expect(p.exchangeCode.calls).toEqual([{ code: 'c1' }, { code: 'c2' }]);
    p.exchangeCode.fail({ reason: 'blocked', code: 'LATE' }); // answers the first call, left behind
    p.exchangeCode.succeed(grant('t2'));
    await settle();
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
    expect(actor.getSnapshot().context).toMatchObject({ token: 't2', error: null });
  });

  it('a call that throws before it is under way is a failure like any other, and settles once', async () => {
    let calls = 0;
    const machine = loginMachine.provide({
      actors: {
        wxLogin: fromTask<WxLoginOutput>(() => {
          calls += 1;
          throw Object.assign(new Error('no network'), { reason: 'network', code: 'OFFLINE' });
        }),
      },
    });
    const actor = createActor(machine, { input: { settings: { maxRetries: 0 } } }).start();
    actor.send(launch());
    await settle();
    expect(calls).toBe(1);
    expect(actor.getSnapshot().context.error).toMatchObject({ reason: 'network', code: 'OFFLINE' });
    expect(actor.getSnapshot().matches({ failed: 'stopped' })).toBe(true);
  });
});

describe('R3: a platform the app did not provide fails visibly, never hangs', () => {
  const input: LoginInput = { settings: { maxRetries: 0, profileRequired: true } };
  const failureOf = (actor: { getSnapshot(): { context: { error: LoginFailure | null } } }) => actor.getSnapshot().context.error;

  it('wx.login', async () => {
    const actor = createActor(loginMachine, { input }).start();
    actor.send(launch());
    await settle();
    expect(failureOf(actor)).toEqual({ reason: 'server', code: 'NOT_PROVIDED', message: 'wxLogin is not provided to the login machine' });
    expect(actor.getSnapshot().hasTag('failed')).toBe(true);
  });

  it('each call after it', async () => {
    const wxLogin = fromTask<WxLoginOutput>(async () => ({ code: 'c1' }));
    const exchangeCode = fromTask<LoginGrant, ExchangeCodeInput>(async () => grant('t1', anonymous));
    const submitConsent = fromTask<UserOutput, SubmitConsentInput>(async () => ({ user: alice }));
    const steps = [
      { actors: { wxLogin }, missing: 'exchangeCode', event: null },
      { actors: { wxLogin, exchangeCode }, missing: 'submitConsent', event: { type: 'CONSENT', draft: profile } },
      { actors: { wxLogin, exchangeCode, submitConsent }, missing: 'bindPhone', event: { type: 'BIND_PHONE', code: 'p' } },
      { actors: { wxLogin, exchangeCode, submitConsent }, missing: 'revokeSessions', event: { type: 'LOGOUT_EVERYWHERE' } },
      { actors: { wxLogin, exchangeCode, submitConsent }, missing: 'eraseAccount', event: { type: 'ERASE' } },
    ] as const;
    for (const { actors, missing, event } of steps) {
      const actor = createActor(loginMachine.provide({ actors }), { input }).start();
      actor.send(launch());
      await settle();
      if (missing === 'bindPhone' || missing === 'revokeSessions' || missing === 'eraseAccount') {
        actor.send({ type: 'CONSENT', draft: profile });
        await settle();
      }
      if (event) actor.send(event);
      await settle();
      expect(failureOf(actor), missing).toMatchObject({ reason: 'server', code: 'NOT_PROVIDED', message: `${missing} is not provided to the login machine` });
    }
  });
});

describe('R3, R12: the failure policy at its edges', () => {
  it('the pause doubles on each retry, a fresh code after each', async () => {
    const p = scriptedPlatform();
    const actor = p.start({ settings: { maxRetries: 3, backoffMs: 1000 } });
    actor.send(launch());
    for (const pause of [1000, 2000, 4000]) {
      p.wxLogin.fail({ reason: 'busy', code: 'BUSY' });
      await settle();
      const calls = p.wxLogin.calls.length;
      p.clock.increment(pause - 1);
      await settle();
      expect(p.wxLogin.calls.length, `before ${pause} ms`).toBe(calls);
      p.clock.increment(1);
      await settle();
      expect(p.wxLogin.calls.length, `at ${pause} ms`).toBe(calls + 1);
    }
    p.wxLogin.fail({ reason: 'busy', code: 'BUSY' });
    await settle();
    expect(actor.getSnapshot().matches({ failed: 'stopped' })).toBe(true);
  });

  it('each transient reason pauses first; a bad or used code gets a fresh one at once; the others stop', async () => {
    for (const reason of ['busy', 'network', 'server', 'wxLogin', 'badCode', 'codeUsed', 'rejected', 'decrypt', 'loginGone'] as const) {
      const p = scriptedPlatform();
      const actor = p.start({ settings: { maxRetries: 1 } });
      p.wxLogin.succeed({ code: 'c1' });
      p.exchangeCode.fail({ reason, code: 'X' });
      actor.send(launch());
      await settle();
      const immediate = p.wxLogin.calls.length;
      p.clock.increment(1000);
      await settle();
      const expected = { busy: [1, 2], network: [1, 2], server: [1, 2], wxLogin: [1, 2], badCode: [2, 2], codeUsed: [2, 2] }[reason as string] ?? [1, 1];
      expect([immediate, p.wxLogin.calls.length], reason).toEqual(expected);
      if (expected[1] === 1) expect(actor.getSnapshot().matches({ failed: 'stopped' }), reason).toBe(true);
    }
  });

  it('a rate limit waits the seconds WeChat names, and the default wait when it names none or zero', async () => {
    for (const [retryAfterSeconds, wait] of [[5, 5000], [undefined, 60_000], [0, 60_000]] as const) {
      const p = scriptedPlatform();
      const actor = p.start({ settings: { maxRetries: 1, rateLimitWaitMs: 60_000 } });
      p.wxLogin.succeed({ code: 'c1' });
      p.exchangeCode.fail({ reason: 'rateLimited', code: 'RATE_LIMITED', ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
      actor.send(launch());
      await settle();
      expect(actor.getSnapshot().matches({ failed: 'coolingDown' })).toBe(true);
      p.clock.increment(wait - 1);
      await settle();
      expect(p.wxLogin.calls.length, `before ${wait} ms`).toBe(1);
      p.clock.increment(1);
      await settle();
      expect(p.wxLogin.calls.length, `at ${wait} ms`).toBe(2);
    }
  });

  it('the failure handed to the page keeps what WeChat said, and anything unknown is an unexpected server failure', async () => {
    const p = scriptedPlatform();
    const actor = p.start({ settings: { maxRetries: 0 } });
    p.wxLogin.fail({ reason: 'wxLogin', code: 'WX_LOGIN_FAILED', message: 'wx.login failed', errMsg: 'login:fail timeout', errno: 1 } as LoginFailure);
    actor.send(launch());
    await settle();
    expect(actor.getSnapshot().context.error).toEqual({
      reason: 'wxLogin', code: 'WX_LOGIN_FAILED', message: 'wx.login failed', errMsg: 'login:fail timeout', errno: 1,
    });

    const machine = loginMachine.provide({ actors: { wxLogin: fromTask<WxLoginOutput>(async () => Promise.reject(new Error('a bug'))) } });
    const buggy = createActor(machine, { input: { settings: { maxRetries: 0 } } }).start();
    buggy.send(launch());
    await settle();
    expect(buggy.getSnapshot().context.error).toEqual({ reason: 'server', code: 'UNEXPECTED', message: 'Something went wrong; try again.' });
  });

  it('a token counts as expired `expirySkewMs` before its end', async () => {
    const expiresAt = NOW + DAY;
    const { actor } = await launchedPlatform(alice, { settings: { expirySkewMs: 60_000 } });
    const saved = actor.getPersistedSnapshot();
    actor.stop();
    for (const [now, live] of [[expiresAt - 60_001, true], [expiresAt - 60_000, false]] as const) {
      const p = scriptedPlatform();
      const again = p.start({}, saved);
      again.send(launch(now));
      await settle();
      expect(p.wxLogin.calls.length, `at ${expiresAt - now} ms before its end`).toBe(live ? 0 : 1);
      expect(again.getSnapshot().hasTag('signedIn')).toBe(live);
      p.wxLogin.succeed({ code: 'c' });
      again.stop();
    }
  });
});

describe('R8, R5: what a new machine starts from', () => {
  it('no profile is required unless the app says so, and no request is waiting', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed(grant('t1', anonymous));
    const actor = p.start();
    actor.send({ type: 'QUEUE_REQUEST', requestId: 'r1' });
    actor.send(launch());
    await settle();
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
    expect(p.effects.find((e) => e.type === 'replayQueuedRequests')).toEqual({ type: 'replayQueuedRequests', ids: ['r1'] });
  });

  it('a refusal is explained: nothing was sent; past the re-login cap the callers are told why', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true, reloginCap: 0 } });
    actor.send({ type: 'DENY' });
    expect(actor.getSnapshot().context.error).toMatchObject({ reason: 'denied', code: 'CONSENT_DENIED' });
    expect(actor.getSnapshot().context.error?.message).toMatch(/nothing was sent/);
    expect(p.submitConsent.calls).toEqual([]);
    actor.send({ type: 'LOGIN_GONE', requestId: 'r1', token: 't1', replayed: false });
    expect(actor.getSnapshot().context.error).toMatchObject({ reason: 'reloginCap', code: 'RELOGIN_CAP_REACHED' });
    expect(p.effects.filter((e) => e.type.startsWith('reject'))).toEqual([{ type: 'rejectQueuedRequests', ids: ['r1'], error: 'RELOGIN_CAP_REACHED' }]);
    expect(effectTypes(p.effects)).not.toContain('replayRequest');
  });

  it('a phone number sent with a refused token asks for another tap after the new login', async () => {
    const { p, actor } = await launchedPlatform();
    p.bindPhone.fail({ reason: 'loginGone', code: 'TOKEN_REVOKED' });
    actor.send({ type: 'BIND_PHONE', code: 'p1' });
    await settle();
    expect(actor.getSnapshot().context.error).toMatchObject({ reason: 'loginGone', code: 'PHONE_NOT_BOUND' });
    expect(p.effects.filter((e) => e.type === 'showFailure').at(-1)).toEqual({ type: 'showFailure', error: 'PHONE_NOT_BOUND' });
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
  });
});

describe('R13: a gated call held during a login goes on after it, once, and a new app process drops it', () => {
  it('a tap during the first login shows its popup once signed in, naming the call that waits', async () => {
    const p = scriptedPlatform();
    const actor = p.start();
    actor.send(launch());
    actor.send({ type: 'PRIVACY_NEEDED', referrer: 'phone-button' });
    expect(effectTypes(p.effects)).not.toContain('refusePrivacy');
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed(grant('t1'));
    await settle();
    expect(actor.getSnapshot().matches({ session: { privacy: 'needed' } })).toBe(true);
    expect(p.effects.filter((e) => e.type === 'showPrivacyPopup')).toEqual([{ type: 'showPrivacyPopup', error: 'phone-button' }]);
  });

  it('a tap during a login that ends on the consent box shows its popup over the box', async () => {
    const p = scriptedPlatform();
    const actor = p.start({ settings: { profileRequired: true } });
    actor.send(launch());
    actor.send({ type: 'PRIVACY_NEEDED', referrer: 'nickname-input' });
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed(grant('t1', anonymous));
    await settle();
    expect(actor.getSnapshot().matches({ session: { boxPrivacy: 'needed' } })).toBe(true);
    expect(actor.getSnapshot().hasTag('needsConsent')).toBe(true);
    expect(p.effects.filter((e) => e.type === 'showPrivacyPopup')).toEqual([{ type: 'showPrivacyPopup', error: 'nickname-input' }]);
  });

  it('a tap during a re-login shows its popup after it; a phone code answered meanwhile is bound once with the new token', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'LOGIN_GONE', requestId: 'r1', token: 't1', replayed: false });
    expect(actor.getSnapshot().matches('reauthenticating')).toBe(true);
    actor.send({ type: 'BIND_PHONE', code: 'p1' });
    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t2'));
    p.bindPhone.succeed({ user: { ...alice, phone: '138****0000' } });
    await settle();
    expect(p.bindPhone.calls).toEqual([{ token: 't2', code: 'p1' }]);
    expect(actor.getSnapshot().matches({ session: 'signedIn' })).toBe(true);
    expect(actor.getSnapshot().context.phoneCode).toBeNull();

    actor.send({ type: 'LOGIN_GONE', requestId: 'r2', token: 't2', replayed: false });
    actor.send({ type: 'PRIVACY_NEEDED', referrer: 'avatar-button' });
    p.wxLogin.succeed({ code: 'c3' });
    p.exchangeCode.succeed(grant('t3'));
    await settle();
    expect(actor.getSnapshot().matches({ session: { privacy: 'needed' } })).toBe(true);
    expect(p.effects.filter((e) => e.type === 'showPrivacyPopup').at(-1)).toEqual({ type: 'showPrivacyPopup', error: 'avatar-button' });
  });

  it('a relaunch drops what the old process held: no popup and no phone binding after the next login', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'LOGIN_GONE', requestId: 'r1', token: 't1', replayed: false });
    actor.send({ type: 'BIND_PHONE', code: 'p-old' });
    actor.send({ type: 'PRIVACY_NEEDED', referrer: 'old-button' });
    actor.send(launch(NOW + 1000));
    expect(actor.getSnapshot().context).toMatchObject({ privacyRequest: null, phoneCode: null });
    p.wxLogin.succeed({ code: 'left-behind' }); // the re-login's call, answering into the void
    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t2'));
    await settle();
    expect(actor.getSnapshot().matches({ session: 'signedIn' })).toBe(true);
    expect(p.bindPhone.calls).toEqual([]);
    expect(effectTypes(p.effects)).not.toContain('showPrivacyPopup');
  });

  it('where nothing can wait for a login (signed out, failed), a gated call is refused at once', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'LOGOUT' });
    actor.send({ type: 'PRIVACY_NEEDED', referrer: 'phone-button' });
    expect(p.effects.filter((e) => e.type === 'refusePrivacy')).toEqual([{ type: 'refusePrivacy', error: null }]);
    expect(actor.getSnapshot().context.privacyRequest).toBeNull();
  });

  it('without the privacy APIs (an old base library, or none provided) there is no gate: the call goes on', async () => {
    const { p, actor } = await launchedPlatform();
    p.checkPrivacy.fail({ reason: 'wxLogin', code: 'NO_PRIVACY_API' });
    actor.send({ type: 'PRIVACY_CHECK' });
    await settle();
    expect(actor.getSnapshot().matches({ session: 'signedIn' })).toBe(true);

    const wxLogin = fromTask<WxLoginOutput>(async () => ({ code: 'c1' }));
    const exchangeCode = fromTask<LoginGrant, ExchangeCodeInput>(async () => grant('t1'));
    const bare = createActor(loginMachine.provide({ actors: { wxLogin, exchangeCode } }), { input: {} }).start();
    bare.send(launch());
    await settle();
    bare.send({ type: 'PRIVACY_CHECK' });
    await settle();
    expect(bare.getSnapshot().status).toBe('active');
    expect(bare.getSnapshot().matches({ session: 'signedIn' })).toBe(true);
    expect(bare.getSnapshot().hasTag('privacyPopup')).toBe(false);
  });

  it('a data type reported undeclared once is not reported again, but any other failure for it still counts', async () => {
    const { p, actor } = await launchedPlatform();
    const failed = (failure: 'undeclared' | 'refused') =>
      actor.send({ type: 'PRIVACY_FAILED', scope: 'phone', failure, errMsg: `getPhoneNumber:fail ${failure}` });
    failed('undeclared');
    expect(p.effects.filter((e) => e.type === 'reportMisconfiguration')).toHaveLength(1);
    failed('undeclared');
    expect(p.effects.filter((e) => e.type === 'reportMisconfiguration')).toHaveLength(1);
    failed('refused');
    expect(actor.getSnapshot().context.error).toMatchObject({ reason: 'denied', code: 'PRIVACY_REFUSED' });
  });
});

describe('R3, R13, R14: what the page is told, in words', () => {
  it('a privacy refusal says nothing was sent; a tap in WeChat\'s gap says to wait; an undeclared data type names it', async () => {
    const { actor } = await launchedPlatform();
    actor.send({ type: 'PRIVACY_FAILED', scope: 'phone', failure: 'refused', errMsg: 'getPhoneNumber:fail privacy permission is not authorized' });
    expect(actor.getSnapshot().context.error?.message).toMatch(/did not agree to the privacy guide.*nothing was asked or sent/);
    actor.send({ type: 'PRIVACY_FAILED', scope: 'phone', failure: 'inGap', errMsg: 'getPhoneNumber:fail privacy permission is not authorized' });
    expect(actor.getSnapshot().context.error).toMatchObject({ code: 'PRIVACY_IN_GAP' });
    expect(actor.getSnapshot().context.error?.message).toMatch(/Wait a few seconds/);
    for (const [scope, named] of [['phone', 'phone number'], ['profile', 'avatar and nickname']] as const) {
      const { actor: other } = await launchedPlatform();
      other.send({ type: 'PRIVACY_FAILED', scope, failure: 'undeclared', errMsg: 'fail api scope is not declared in the privacy agreement' });
      expect(other.getSnapshot().context.error).toMatchObject({ reason: 'configuration', code: 'PRIVACY_SCOPE_UNDECLARED', errno: 112 });
      expect(other.getSnapshot().context.error?.message).toContain(`cannot ask for your ${named} yet`);
    }
  });

  it('every reason a platform call names is kept; a field of the wrong kind is not copied', async () => {
    for (const reason of ['busy', 'rateLimited', 'badCode', 'codeUsed', 'blocked', 'network', 'server', 'wxLogin', 'decrypt', 'loginGone', 'rejected', 'denied', 'configuration', 'reloginCap'] as const) {
      const p = scriptedPlatform();
      const actor = p.start({ settings: { maxRetries: 0 } });
      p.wxLogin.fail({ reason, code: 'X', errMsg: 42 as unknown as string });
      actor.send(launch());
      await settle();
      expect(actor.getSnapshot().context.error, reason).toStrictEqual({ reason, code: 'X', message: 'scripted failure' });
    }
  });
});

describe('R3, R6: erasing with a refused token', () => {
  it('an erasure sent with a refused token says it was not done, and logs in again', async () => {
    const { p, actor } = await launchedPlatform();
    p.eraseAccount.fail({ reason: 'loginGone', code: 'TOKEN_REVOKED' });
    actor.send({ type: 'ERASE' });
    await settle();
    expect(p.eraseAccount.calls).toEqual([{ token: 't1' }]);
    expect(actor.getSnapshot().context.error).toStrictEqual({
      reason: 'loginGone', code: 'ERASE_NOT_DONE', message: 'Your login had expired, so your account was not erased. Please try again.',
    });
    expect(p.effects.filter((e) => e.type === 'showFailure').at(-1)).toEqual({ type: 'showFailure', error: 'ERASE_NOT_DONE' });
    expect(actor.getSnapshot().matches('reauthenticating')).toBe(true);
    expect(actor.getSnapshot().context.token).toBeNull();
  });

});

describe('R5, R12: budgets and queues at the ends of a session', () => {
  it('a login asked for after a stopped failure has its full retries again', async () => {
    const p = scriptedPlatform();
    const actor = p.start({ settings: { maxRetries: 1, backoffMs: 1000 } });
    actor.send(launch());
    p.wxLogin.fail({ reason: 'busy', code: 'BUSY' });
    await settle();
    p.clock.increment(1000);
    p.wxLogin.fail({ reason: 'busy', code: 'BUSY' });
    await settle();
    expect(actor.getSnapshot().matches({ failed: 'stopped' })).toBe(true);
    const before = p.wxLogin.calls.length;
    actor.send({ type: 'LOGIN' });
    p.wxLogin.fail({ reason: 'busy', code: 'BUSY' });
    await settle();
    expect(actor.getSnapshot().matches({ authenticating: 'backingOff' })).toBe(true);
    p.clock.increment(1000);
    await settle();
    expect(p.wxLogin.calls.length).toBe(before + 2);
  });

  it('requests waiting for a login are rejected, once, when the person logs out meanwhile', async () => {
    const p = scriptedPlatform();
    const actor = p.start();
    actor.send(launch());
    actor.send({ type: 'QUEUE_REQUEST', requestId: 'r1' });
    actor.send({ type: 'QUEUE_REQUEST', requestId: 'r2' });
    actor.send({ type: 'LOGOUT' });
    expect(p.effects.filter((e) => e.type === 'rejectQueuedRequests')).toEqual([{ type: 'rejectQueuedRequests', ids: ['r1', 'r2'], error: null }]);
    expect(actor.getSnapshot().context.pendingRequests).toEqual([]);
    actor.send({ type: 'LOGIN' });
    p.wxLogin.succeed({ code: 'left-behind' }); // the first login's call, answering into the void
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed(grant('t1'));
    await settle();
    expect(actor.getSnapshot().matches({ session: 'signedIn' })).toBe(true);
    expect(p.effects.filter((e) => e.type === 'replayQueuedRequests')).toEqual([{ type: 'replayQueuedRequests', ids: [] }]);
  });

  it('a machine started without input takes the default settings, and nobody is new before a login says so', async () => {
    const actor = createActor(loginMachine, {} as { input: LoginInput }).start(); // as a JavaScript app may
    expect(actor.getSnapshot().context.settings).toEqual(DEFAULT_LOGIN_SETTINGS);
    expect(actor.getSnapshot().context.isNew).toBe(false);
  });

  it('the page hears of each login, and whether it registered the person', async () => {
    const p = scriptedPlatform();
    const actor = p.start();
    const heard: unknown[] = [];
    actor.on('loggedIn', (event) => heard.push(event));
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed({ ...grant('t1'), isNew: true });
    actor.send(launch());
    await settle();
    expect(heard).toEqual([{ type: 'loggedIn', isNew: true }]);
    expect(actor.getSnapshot().context.isNew).toBe(true);
  });
});

describe("R5: the task actor the calls run in keeps fromPromise's contract", () => {
  it('answers with xstate\'s promise events, and a call left behind sends nothing to its stopped actor', async () => {
    const sent: string[] = [];
    const toStopped: string[] = [];
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    const actor = createActor(p.machine, {
      input: {},
      clock: p.clock,
      inspect: (inspection) => {
        if (inspection.type !== '@xstate.event' || inspection.actorRef === actor || inspection.event.type === 'xstate.init') return;
        sent.push(inspection.event.type);
        if (inspection.actorRef.getSnapshot().status !== 'active') toStopped.push(inspection.event.type);
      },
    });
    actor.start();
    actor.send(launch());
    await settle();
    p.exchangeCode.fail({ reason: 'blocked', code: 'BLOCKED' });
    await settle();
    expect(sent).toEqual(['xstate.promise.resolve', 'xstate.promise.reject']);

    actor.send({ type: 'LOGIN' }); // blocked: nothing happens; a logout then leaves nothing running
    const again = scriptedPlatform();
    again.wxLogin.succeed({ code: 'c1' });
    const left = again.start();
    left.system.inspect({ next: (inspection) => {
      if (inspection.type === '@xstate.event' && inspection.actorRef !== left && inspection.actorRef.getSnapshot().status !== 'active') {
        toStopped.push(inspection.event.type);
      }
    } });
    left.send(launch());
    await settle();
    left.send({ type: 'LOGOUT' });
    again.exchangeCode.succeed(grant('late'));
    await settle();
    expect(left.getSnapshot().value).toBe('signedOut');
    expect(toStopped).toEqual([]);
  });

  it('a stopped task says so; a settled one stays settled; a task restored settled does not run its call again', async () => {
    let runs = 0;
    const logic = fromTask<number>(() => {
      runs += 1;
      return new Promise<number>(() => {});
    });
    const running = createActor(logic).start();
    expect(runs).toBe(1);
    running.stop();
    expect(running.getSnapshot().status).toBe('stopped');

    const done = { status: 'done', output: 7, error: undefined, input: undefined } as const;
    const scope = {} as Parameters<typeof logic.transition>[2];
    expect(logic.transition(done as never, { type: 'xstate.promise.reject', data: 'late' } as never, scope)).toBe(done);
    const active = { status: 'active', output: undefined, error: undefined, input: undefined } as const;
    expect(logic.transition(active as never, { type: 'something.else' } as never, scope)).toBe(active);

    const restored = createActor(logic, { snapshot: done as never }).start();
    expect(runs).toBe(1);
    expect(restored.getSnapshot()).toMatchObject({ status: 'done', output: 7 });
  });
});

describe('R3: a failure no actor should give is still a typed failure', () => {
  it('a rejection that is not a typed failure (null, a string, an unknown reason) is an unexpected server failure; a typed one missing its code or message gets defaults', async () => {
    const failureFrom = async (rejection: unknown) => {
      const machine = loginMachine.provide({ actors: { wxLogin: fromTask<WxLoginOutput>(async () => Promise.reject(rejection)) } });
      const actor = createActor(machine, { input: { settings: { maxRetries: 0 } } }).start();
      actor.send(launch());
      await settle();
      expect(actor.getSnapshot().status).toBe('active');
      return actor.getSnapshot().context.error;
    };
    const unexpected = { reason: 'server', code: 'UNEXPECTED', message: 'Something went wrong; try again.' };
    const aFunction = Object.assign(() => undefined, { reason: 'network', code: 'X', message: 'm' });
    for (const rejection of [null, undefined, 'boom', 42, aFunction, { reason: 'weird', code: 'X', message: 'm' }, { reason: 7 }]) {
      expect(await failureFrom(rejection), String(rejection)).toStrictEqual(unexpected);
    }
    expect(await failureFrom({ reason: 'network' })).toStrictEqual({ reason: 'network', code: 'UNEXPECTED', message: 'Something went wrong.' });
    expect(await failureFrom({ reason: 'network', code: 7, message: 8 })).toStrictEqual({ reason: 'network', code: 'UNEXPECTED', message: 'Something went wrong.' });
  });
});
