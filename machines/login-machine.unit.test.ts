import { describe, expect, it } from 'vitest';
import { alice, anonymous, DAY, effectTypes, grant, launchedPlatform, NOW, scriptedPlatform, settle } from './testing/scripted-platform.js';

const launch = (path = 'pages/index/index', query: Record<string, string> = {}, now = NOW) =>
  ({ type: 'LAUNCH', path, query, now }) as const;
const gone = (requestId: string, token: string | null, replayed = false) =>
  ({ type: 'LOGIN_GONE', requestId, token, replayed }) as const;

describe('scenario 1 and 3: fresh user, reinstall', () => {
  it('logs in silently and holds the token, with nothing shown', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed({ ...grant('t1'), isNew: true });
    const actor = p.start();
    actor.send(launch());
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    await settle();
    const snap = actor.getSnapshot();
    expect(snap.value).toEqual({ session: 'signedIn' });
    expect(snap.hasTag('signedIn')).toBe(true);
    expect(snap.context.token).toBe('t1');
    expect(p.exchangeCode.calls).toEqual([{ code: 'c1' }]);
    expect(effectTypes(p.effects)).not.toContain('showFailure');
    expect(effectTypes(p.effects)).not.toContain('showBusy');
  });

  it('with a required profile, waits for consent and then submits it with the token', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    expect(actor.getSnapshot().value).toEqual({ session: 'awaitingConsent' });
    expect(actor.getSnapshot().hasTag('needsConsent')).toBe(true);
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(false);

    actor.send({ type: 'CONSENT', draft: { kind: 'profile', nickname: 'Bob', avatarUrl: 'https://a/b.png' } });
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    p.submitConsent.succeed({ user: { ...anonymous, nickname: 'Bob', avatarUrl: 'https://a/b.png' } });
    await settle();
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
    expect(p.submitConsent.calls[0]).toEqual({
      token: 't1', code: null, draft: { kind: 'profile', nickname: 'Bob', avatarUrl: 'https://a/b.png' },
    });
    expect(actor.getSnapshot().context.consent).toBeNull();
  });

  it('a reinstalled user whose profile the server kept is not asked again', async () => {
    const { p, actor } = await launchedPlatform(alice, { settings: { profileRequired: true } });
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
  });
});

describe('scenario 2: returning user', () => {
  it('a stored live token signs in at once, without wx.login or the network', async () => {
    const { p, actor: first } = await launchedPlatform();
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();

    const again = p.start({}, persisted);
    again.send(launch('pages/index/index', {}, NOW + 1000));
    expect(again.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(p.wxLogin.calls).toHaveLength(1);
  });

  it('a stored token expired by the clock logs in again', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' }).succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t1')).succeed(grant('t2', alice, NOW + 3 * DAY));
    const first = p.start();
    first.send(launch());
    await settle();
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();

    const again = p.start({}, persisted);
    again.send(launch('pages/index/index', {}, NOW + 2 * DAY));
    await settle();
    expect(p.exchangeCode.calls).toEqual([{ code: 'c1' }, { code: 'c2' }]);
    expect(again.getSnapshot().context.token).toBe('t2');
  });
});

describe('scenario 4: token expiry, single flight', () => {
  async function signedIn(settings = {}) {
    const { p, actor } = await launchedPlatform(alice, { settings });
    return { p, actor };
  }

  it('three requests answered "gone" start one re-login and are replayed together', async () => {
    const { p, actor } = await signedIn();
    actor.send(gone('r1', 't1'));
    actor.send(gone('r2', 't1'));
    actor.send({ type: 'QUEUE_REQUEST', requestId: 'r3' });
    expect(actor.getSnapshot().value).toEqual({ reauthenticating: 'obtainingCode' });
    expect(actor.getSnapshot().context.pendingRequests).toEqual(['r1', 'r2', 'r3']);
    expect(actor.getSnapshot().context.token).toBeNull();

    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t2'));
    await settle();
    expect(p.wxLogin.calls).toHaveLength(2);
    expect(actor.getSnapshot().context.token).toBe('t2');
    expect(p.effects.find((e) => e.type === 'replayQueuedRequests' && e.ids?.length)?.ids).toEqual(['r1', 'r2', 'r3']);
    expect(actor.getSnapshot().context.pendingRequests).toEqual([]);

    // A late "gone" for the old token is replayed with the new one, not a second re-login.
    actor.send(gone('r4', 't1'));
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(p.effects.at(-1)).toEqual({ type: 'replayRequest', ids: ['r4'] });
    // A request that was already replayed once is not replayed again.
    actor.send(gone('r5', 't1', true));
    expect(p.effects.at(-1)).toEqual({ type: 'rejectRequest', ids: ['r5'], error: null });
  });

  it('a server that keeps rejecting reaches the cap: every caller gets the error, no loop', async () => {
    const { p, actor } = await signedIn({ reloginCap: 2 });
    for (const [n, token] of [[2, 't1'], [3, 't2']] as const) {
      actor.send(gone(`r${n}`, token));
      p.wxLogin.succeed({ code: `c${n}` });
      p.exchangeCode.succeed(grant(`t${n}`));
      await settle();
      expect(actor.getSnapshot().context.relogins).toBe(n - 1);
    }
    actor.send(gone('r9', 't3'));
    actor.send({ type: 'QUEUE_REQUEST', requestId: 'r10' });
    const snap = actor.getSnapshot();
    expect(snap.value).toEqual({ failed: 'stopped' });
    expect(snap.context.error?.code).toBe('RELOGIN_CAP_REACHED');
    expect(p.effects).toContainEqual({ type: 'rejectQueuedRequests', ids: ['r9'], error: 'RELOGIN_CAP_REACHED' });
    expect(p.effects.at(-1)).toEqual({ type: 'rejectRequest', ids: ['r10'], error: 'RELOGIN_CAP_REACHED' });
    expect(effectTypes(p.effects).filter((t) => t === 'showFailure')).toHaveLength(1);
    expect(p.wxLogin.calls).toHaveLength(3);
  });

  it('an accepted token refills the re-login budget', async () => {
    const { p, actor } = await signedIn({ reloginCap: 1 });
    actor.send(gone('r1', 't1'));
    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t2'));
    await settle();
    actor.send({ type: 'TOKEN_ACCEPTED' });
    actor.send(gone('r2', 't2'));
    expect(actor.getSnapshot().value).toEqual({ reauthenticating: 'obtainingCode' });
  });

  it('a re-login that fails rejects the waiting requests once', async () => {
    const { p, actor } = await signedIn({ maxRetries: 0 });
    actor.send(gone('r1', 't1'));
    actor.send(gone('r2', 't1'));
    p.wxLogin.fail({ reason: 'network', code: 'NETWORK' });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ failed: 'stopped' });
    expect(p.effects.filter((e) => e.type === 'rejectQueuedRequests' && e.ids?.length)).toEqual([
      { type: 'rejectQueuedRequests', ids: ['r1', 'r2'], error: 'NETWORK' },
    ]);
  });
});

describe('scenario 5: share deep link', () => {
  const settings = { loginPage: '/pages/login/index' };

  it('login-page mode sends a new user to the login page and back to the shared page', async () => {
    const p = scriptedPlatform();
    const actor = p.start({ settings });
    actor.send(launch('pages/share/index', { invite: 'abc' }));
    expect(p.effects[0]).toEqual({
      type: 'redirectToLoginPage', deepLink: { path: 'pages/share/index', query: { invite: 'abc' } },
    });
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed(grant('t1'));
    await settle();
    expect(p.effects).toContainEqual({
      type: 'followDeepLink', deepLink: { path: 'pages/share/index', query: { invite: 'abc' } },
    });
    expect(actor.getSnapshot().context.deepLink).toBeNull();
  });

  it('keeps the deep link through the consent box and follows it after consent', async () => {
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed(grant('t1', anonymous));
    const actor = p.start({ settings: { ...settings, profileRequired: true } });
    actor.send(launch('pages/share/index', { invite: 'abc' }));
    await settle();
    expect(actor.getSnapshot().hasTag('needsConsent')).toBe(true);
    expect(effectTypes(p.effects)).not.toContain('followDeepLink');
    actor.send({ type: 'CONSENT', draft: { kind: 'profile', nickname: 'Bob', avatarUrl: 'x' } });
    p.submitConsent.succeed({ user: alice });
    await settle();
    expect(effectTypes(p.effects)).toContain('followDeepLink');
  });

  it('does not redirect a launch on the login page, nor in component mode, nor a signed-in user', async () => {
    for (const [input, path] of [[{ settings }, 'pages/login/index'], [{}, 'pages/share/index']] as const) {
      const p = scriptedPlatform();
      const actor = p.start(input);
      actor.send(launch(path, { invite: 'abc' }));
      expect(effectTypes(p.effects)).not.toContain('redirectToLoginPage');
      expect(actor.getSnapshot().context.deepLink).toBeNull();
    }
    const p = scriptedPlatform();
    p.wxLogin.succeed({ code: 'c1' });
    p.exchangeCode.succeed(grant('t1'));
    const first = p.start({ settings });
    first.send(launch('pages/login/index'));
    await settle();
    const again = p.start({ settings }, first.getPersistedSnapshot());
    again.send(launch('pages/share/index', { invite: 'abc' }));
    expect(effectTypes(p.effects)).not.toContain('redirectToLoginPage');
  });

  it('a signed-out relaunch on another page drops a shared page kept by an earlier launch', async () => {
    const { p, actor } = await launchedPlatform(alice, { settings });
    actor.send({ type: 'LOGOUT' });
    const shared = p.start({ settings }, JSON.parse(JSON.stringify(actor.getPersistedSnapshot())));
    shared.send(launch('pages/share/index', { invite: 'abc' }));
    expect(shared.getSnapshot().context.deepLink).toEqual({ path: 'pages/share/index', query: { invite: 'abc' } });
    const later = p.start({ settings }, JSON.parse(JSON.stringify(shared.getPersistedSnapshot())));
    const earlier = p.effects.length;
    later.send(launch('pages/login/index'));
    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed(grant('t2'));
    later.send({ type: 'LOGIN' });
    await settle();
    expect(later.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(effectTypes(p.effects.slice(earlier))).not.toContain('followDeepLink');
  });
});

describe('scenario 6: denied consent', () => {
  it('sends nothing, keeps the box and the silent session, and allows a retry', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    actor.send({ type: 'DENY' });
    const snap = actor.getSnapshot();
    expect(snap.value).toEqual({ session: 'consentDenied' });
    expect(snap.hasTag('needsConsent')).toBe(true);
    expect(snap.context.error?.reason).toBe('denied');
    expect(snap.context.token).toBe('t1');
    expect(p.submitConsent.calls).toHaveLength(0);

    actor.send({ type: 'CONSENT', draft: { kind: 'profile', nickname: 'Bob', avatarUrl: 'x' } });
    p.submitConsent.succeed({ user: alice });
    await settle();
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(true);
    expect(actor.getSnapshot().context.error).toBeNull();
  });

  it('a refused phone dialog sends nothing and stays signed in', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'DENY' });
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(p.bindPhone.calls).toHaveLength(0);
    actor.send({ type: 'BIND_PHONE', code: 'p1' });
    p.bindPhone.succeed({ user: { ...alice, phone: '138****0000' } });
    await settle();
    expect(p.bindPhone.calls).toEqual([{ token: 't1', code: 'p1' }]);
    expect(actor.getSnapshot().context.user?.phone).toBe('138****0000');
  });
});
