import { describe, expect, it } from 'vitest';
import { alice, anonymous, DAY, effectTypes, grant, launchedPlatform, NOW, scriptedPlatform, settle } from './testing/scripted-platform.js';

const launch = (now = NOW) => ({ type: 'LAUNCH', path: 'pages/index/index', query: {}, now }) as const;

describe('scenario 7: failures and their retry policy', () => {
  it('WeChat busy: backs off, then a fresh code, and signs in', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' }).succeed({ code: 'c2' });
    p.exchangeCode.fail({ reason: 'busy', code: 'WECHAT_BUSY', errcode: -1 }).succeed(grant('t1'));
    const actor = p.start();
    actor.send(launch());
    await settle();
    expect(actor.getSnapshot().value).toEqual({ authenticating: 'backingOff' });
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    p.clock.increment(999);
    await settle();
    expect(p.wxLogin.calls).toHaveLength(1);
    p.clock.increment(1);
    await settle();
    expect(p.exchangeCode.calls).toEqual([{ code: 'c1' }, { code: 'c2' }]);
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
    expect(actor.getSnapshot().context.retries).toBe(0);
  });

  it('a bad or used code gets a fresh wx.login at once', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' }).succeed({ code: 'c2' }).succeed({ code: 'c3' });
    p.exchangeCode
      .fail({ reason: 'codeUsed', code: 'WECHAT_CODE_USED', errcode: 40163 })
      .fail({ reason: 'badCode', code: 'WECHAT_CODE_INVALID', errcode: 40029 })
      .succeed(grant('t1'));
    const actor = p.start();
    actor.send(launch());
    await settle();
    expect(p.exchangeCode.calls.map((c) => c.code)).toEqual(['c1', 'c2', 'c3']);
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
  });

  it('the network keeps dropping: retries are capped, one toast, then the person may retry', async () => {
    const p = scriptedPlatform();
    const actor = p.start({ settings: { maxRetries: 2 } });
    actor.send(launch());
    for (let i = 0; i < 3; i += 1) {
      p.wxLogin.succeed({ code: `c${i}` });
      p.exchangeCode.fail({ reason: 'network', code: 'NETWORK', errMsg: 'request:fail timeout' });
      await settle();
      p.clock.increment(10_000);
      await settle();
    }
    const snap = actor.getSnapshot();
    expect(snap.value).toEqual({ failed: 'stopped' });
    expect(snap.hasTag('failed')).toBe(true);
    expect(snap.context.error).toMatchObject({ reason: 'network', errMsg: 'request:fail timeout' });
    expect(p.exchangeCode.calls).toHaveLength(3);
    expect(effectTypes(p.effects).filter((t) => t === 'showFailure')).toHaveLength(1);

    p.clock.increment(600_000);
    await settle();
    expect(p.wxLogin.calls).toHaveLength(3);

    p.wxLogin.succeed({ code: 'c9' });
    p.exchangeCode.succeed(grant('t1'));
    actor.send({ type: 'RETRY' });
    await settle();
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
  });

  it('wx.login failing keeps its errMsg on the typed error', async () => {
    const p = scriptedPlatform();
    p.wxLogin.fail({ reason: 'wxLogin', code: 'WX_LOGIN_FAILED', errno: 1, errMsg: 'login:fail' });
    const actor = p.start({ settings: { maxRetries: 0 } });
    actor.send(launch());
    await settle();
    expect(actor.getSnapshot().context.error).toEqual({
      reason: 'wxLogin', code: 'WX_LOGIN_FAILED', message: 'scripted failure', errno: 1, errMsg: 'login:fail',
    });
  });

  it('rate limited: waits as the server says, then one more attempt', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' }).succeed({ code: 'c2' });
    p.exchangeCode.fail({ reason: 'rateLimited', code: 'RATE_LIMITED', retryAfterSeconds: 30 }).succeed(grant('t1'));
    const actor = p.start();
    actor.send(launch());
    await settle();
    expect(actor.getSnapshot().value).toEqual({ failed: 'coolingDown' });
    expect(actor.getSnapshot().hasTag('busy')).toBe(false);
    expect(effectTypes(p.effects)).toContain('showFailure');
    p.clock.increment(29_999);
    await settle();
    expect(p.wxLogin.calls).toHaveLength(1);
    p.clock.increment(1);
    await settle();
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
  });

  it('a high-risk user is blocked: no retry, not even on RETRY', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.fail({ reason: 'blocked', code: 'WECHAT_USER_BLOCKED', errcode: 40226 });
    const actor = p.start();
    actor.send(launch());
    await settle();
    actor.send({ type: 'RETRY' });
    actor.send({ type: 'LOGIN' });
    p.clock.increment(3_600_000);
    await settle();
    expect(actor.getSnapshot().value).toEqual({ failed: 'blocked' });
    expect(p.wxLogin.calls).toHaveLength(1);
  });

  it('an unknown rejection becomes a typed server failure', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    const actor = p.start({ settings: { maxRetries: 0 } });
    actor.send(launch());
    await settle();
    p.exchangeCode.fail({ reason: 'nonsense' as never });
    await settle();
    expect(actor.getSnapshot().context.error).toMatchObject({ reason: 'server', code: 'UNEXPECTED' });
  });
});

describe('the order rule: a legacy payload that does not decrypt', () => {
  const legacy = { kind: 'wechat', encryptedData: 'ZW5j', iv: 'aXY=', signature: 's', rawData: '{}' } as const;

  async function awaitingConsent() {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    return { p, actor };
  }

  it('is sent first without a new code, then resent once with a fresh code', async () => {
    const { p, actor } = await awaitingConsent();
    actor.send({ type: 'CONSENT', draft: legacy });
    expect(p.wxLogin.calls).toHaveLength(1);
    p.submitConsent.fail({ reason: 'decrypt', code: 'DECRYPT_FAILED', errcode: -41003 });
    p.wxLogin.succeed({ code: 'c2' });
    p.submitConsent.succeed({ user: alice });
    await settle();
    expect(p.submitConsent.calls).toEqual([
      { token: 't1', draft: legacy, code: null },
      { token: 't1', draft: legacy, code: 'c2' },
    ]);
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
    expect(actor.getSnapshot().context.freshCode).toBeNull();
  });

  it('a second decrypt failure is not retried again: the box stays with the error', async () => {
    const { p, actor } = await awaitingConsent();
    actor.send({ type: 'CONSENT', draft: legacy });
    p.submitConsent.fail({ reason: 'decrypt', code: 'DECRYPT_FAILED' }).fail({ reason: 'decrypt', code: 'DECRYPT_FAILED' });
    p.wxLogin.succeed({ code: 'c2' });
    await settle();
    expect(p.submitConsent.calls).toHaveLength(2);
    expect(actor.getSnapshot().value).toEqual({ session: 'awaitingConsent' });
    expect(actor.getSnapshot().context.error?.code).toBe('DECRYPT_FAILED');
    expect(effectTypes(p.effects).filter((t) => t === 'showFailure')).toHaveLength(1);
  });
});

describe('scenario 8: double taps', () => {
  it('repeated CONSENT while one is in flight sends one submission', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    const consent = { type: 'CONSENT', draft: { kind: 'profile', nickname: 'Bob', avatarUrl: 'x' } } as const;
    actor.send(consent);
    actor.send(consent);
    actor.send({ type: 'DENY' });
    await settle();
    expect(p.submitConsent.calls).toHaveLength(1);
    expect(actor.getSnapshot().value).toEqual({ session: { submittingConsent: 'sending' } });
  });

  it('repeated LOGIN after logout sends one login', async () => {
    const p = scriptedPlatform();
    const actor = p.start();
    actor.send({ type: 'LOGOUT' });
    actor.send({ type: 'LOGIN' });
    actor.send({ type: 'LOGIN' });
    actor.send({ type: 'RETRY' });
    await settle();
    expect(p.wxLogin.calls).toHaveLength(1);
  });
});

describe('scenario 9: logout, logout everywhere, back from background', () => {
  async function signedIn() {
    const { p, actor } = await launchedPlatform();
    return { p, actor };
  }

  it('logout forgets the session, and a relaunch keeps the person signed out', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'LOGOUT' });
    expect(actor.getSnapshot().value).toBe('signedOut');
    expect(actor.getSnapshot().context).toMatchObject({ token: null, user: null });
    const again = p.start({}, JSON.parse(JSON.stringify(actor.getPersistedSnapshot())));
    again.send(launch());
    expect(again.getSnapshot().value).toBe('signedOut');
    expect(p.wxLogin.calls).toHaveLength(1);
  });

  it('logout everywhere asks the server with the token, then signs out', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'LOGOUT_EVERYWHERE' });
    actor.send({ type: 'LOGOUT_EVERYWHERE' });
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    p.revokeSessions.succeed(undefined);
    await settle();
    expect(p.revokeSessions.calls).toEqual([{ token: 't1' }]);
    expect(actor.getSnapshot().value).toBe('signedOut');
    expect(effectTypes(p.effects)).toEqual(expect.arrayContaining(['showBusy', 'hideBusy']));
  });

  it('a failed logout everywhere stays signed in and says so', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'LOGOUT_EVERYWHERE' });
    p.revokeSessions.fail({ reason: 'network', code: 'NETWORK' });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(effectTypes(p.effects)).toContain('showFailure');
  });

  it('onShow re-checks expiry by the clock', async () => {
    const { p, actor } = await signedIn();
    actor.send({ type: 'SHOW', now: NOW + DAY / 2 });
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    actor.send({ type: 'SHOW', now: NOW + DAY });
    expect(actor.getSnapshot().value).toEqual({ reauthenticating: 'obtainingCode' });
    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t2', alice, NOW + 2 * DAY));
    await settle();
    expect(actor.getSnapshot().context.token).toBe('t2');
  });
});

describe('snapshot persistence', () => {
  it('restores the consent box after a relaunch without a new login', async () => {
    const { p, actor: first } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    first.send({ type: 'DENY' });
    const stored = JSON.stringify(first.getPersistedSnapshot());
    first.stop();
    expect(stored).not.toContain('session_key');

    const again = p.start({}, JSON.parse(stored));
    expect(again.getSnapshot().value).toEqual({ session: 'consentDenied' });
    again.send(launch(NOW + 1000));
    expect(again.getSnapshot().value).toEqual({ session: 'awaitingConsent' });
    expect(again.getSnapshot().context.settings.profileRequired).toBe(true);
    expect(p.wxLogin.calls).toHaveLength(1);
  });

  it('a snapshot taken mid-exchange resumes the exchange with the same code', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    const first = p.start();
    first.send(launch());
    await settle();
    expect(first.getSnapshot().value).toEqual({ authenticating: 'exchanging' });
    const stored = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();

    const again = p.start({}, stored);
    // The first answer goes to the stopped actor's call, which must not count.
    p.exchangeCode.succeed(grant('stale')).succeed(grant('t1'));
    await settle();
    expect(p.exchangeCode.calls.map((c) => c.code)).toEqual(['c1', 'c1']);
    expect(again.getSnapshot().hasTag('signedIn')).toBe(true);
    expect(again.getSnapshot().context.token).toBe('t1');
  });
});
