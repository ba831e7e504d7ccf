import { maskingInspector } from './inspect/masking-inspector.js';
import { describe, expect, it } from 'vitest';
import { createMiniAuth, isMiniAuthError } from './index.js';
import type { MiniAuthOptions } from './index.js';
import { flush, memoryPlatform, NOW } from './testing/memory-platform.js';

function setup(options: Partial<MiniAuthOptions> = {}, platformOptions = {}) {
  const fake = memoryPlatform(platformOptions);
  const auth = createMiniAuth({ baseURL: 'https://api.test/', platform: fake.platform, ...options });
  return { ...fake, auth };
}

async function signedIn(options: Partial<MiniAuthOptions> = {}) {
  const world = setup(options);
  world.auth.start({ path: 'pages/index/index', query: {} });
  await flush();
  expect(world.auth.getView().signedIn).toBe(true);
  return world;
}

describe('a fresh launch', () => {
  it('signs in silently, stores the token, and the next launch needs no network', async () => {
    const { auth, apiCalls, storage, platform, codes } = await signedIn();
    expect(apiCalls('/wx/login')[0]?.data).toEqual({ code: 'code-1' });
    expect(auth.getToken()).toBe('t1');
    expect(storage.get('miniauth:login')).toContain('"token":"t1"');
    auth.stop();

    const relaunched = createMiniAuth({ baseURL: 'https://api.test', platform });
    relaunched.start({ path: 'pages/index/index' });
    expect(relaunched.getView().signedIn).toBe(true);
    expect(codes).toHaveLength(1);
  });

  it('shows the machine to an inspect hook (the Stately inspector, a logger)', async () => {
    const seen: string[] = [];
    const { auth } = setup({ inspect: maskingInspector((event) => seen.push(event.type)) });
    auth.start({ path: 'pages/index/index' });
    await flush();
    expect(seen).toEqual(expect.arrayContaining(['@xstate.actor', '@xstate.event', '@xstate.snapshot']));
  });

  it('requests made before the login wait for it and carry the token', async () => {
    const { auth } = setup();
    const early = auth.request({ url: '/orders' });
    auth.start({ path: 'pages/index/index' });
    const response = await early;
    expect(response).toMatchObject({ ok: true, status: 200, data: { token: 't1' } });
  });

  it('an HTTP error resolves with ok false; a dropped connection rejects with errMsg kept', async () => {
    const { auth, server } = await signedIn();
    await expect(auth.request({ url: '/missing' })).resolves.toMatchObject({ ok: false, status: 404 });
    server.dropPaths.add('/orders');
    const error = await auth.request({ url: '/orders' }).catch((e: unknown) => e);
    expect(isMiniAuthError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'network', code: 'NETWORK', errMsg: 'request:fail timeout', errno: 5 });
    expect(auth.getView().signedIn).toBe(true);
  });
});

describe('single-flight re-login', () => {
  it('ten requests on an expired token: one login, each replayed once, all resolve', async () => {
    const { auth, server, codes, apiCalls } = await signedIn();
    server.validTokens.clear();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => auth.request({ url: `/orders/${i}` })),
    );
    expect(codes).toHaveLength(2);
    expect(apiCalls('/wx/login')).toHaveLength(2);
    expect(answers.every((a) => a.ok && (a.data as { token: string }).token === 't2')).toBe(true);
    for (let i = 0; i < 10; i += 1) {
      const sent = apiCalls(`/orders/${i}`).map((r) => r.header?.['Authorization']);
      expect(sent).toEqual(['Bearer t1', 'Bearer t2']);
    }
    expect(auth.getSnapshot().context.relogins).toBe(0);
  });

  it('a server that keeps rejecting: the cap is reached, every caller rejected, no loop', async () => {
    const { auth, server, codes, toasts } = await signedIn({ reloginCap: 2 });
    server.rejectEveryToken = true;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => auth.request({ url: `/orders/${i}` }).then(() => 'resolved', (e: unknown) => e)),
    );
    // Each was replayed once with the re-login's token, then given the error.
    expect(outcomes.every((o) => isMiniAuthError(o) && o.code === 'LOGIN_GONE')).toBe(true);
    for (let i = 0; i < 10; i += 1) expect(server.requests.filter((r) => r.url.endsWith(`/orders/${i}`))).toHaveLength(2);
    await flush();
    // The budget of two silent re-logins is spent: the next caller gets the cap error...
    await expect(auth.request({ url: '/orders/late' })).rejects.toMatchObject({ code: 'RELOGIN_CAP_REACHED' });
    expect(auth.getView()).toMatchObject({ failed: true, signedIn: false });
    // ...and from then on nothing is sent and nobody logs in until the person retries.
    const sent = server.requests.length;
    await expect(auth.request({ url: '/orders/later' })).rejects.toMatchObject({ code: 'RELOGIN_CAP_REACHED' });
    await flush(20);
    expect(server.requests.length).toBe(sent);
    expect(codes).toHaveLength(3);
    expect(toasts).toHaveLength(1);
  });
});

describe('whenSignedIn', () => {
  it('runs deferred work once signed in; a cancelled waiter never runs', async () => {
    const { auth } = setup();
    const ran: string[] = [];
    auth.whenSignedIn(() => ran.push('invite'));
    const cancel = auth.whenSignedIn(() => ran.push('cancelled'));
    cancel();
    auth.start({ path: 'pages/share/index', query: { invite: 'abc' } });
    expect(ran).toEqual([]);
    await flush();
    expect(ran).toEqual(['invite']);
    auth.whenSignedIn(() => ran.push('now'));
    expect(ran).toEqual(['invite', 'now']);
  });

  it('waits through the consent box when a profile is required', async () => {
    const { auth } = setup({ profile: 'required' }, { profile: { nickname: null, avatarUrl: null } });
    const ran: string[] = [];
    auth.whenSignedIn(() => ran.push('work'));
    auth.start({ path: 'pages/index/index' });
    await flush();
    expect(auth.getView()).toMatchObject({ needsConsent: true, signedIn: false });
    expect(ran).toEqual([]);
    auth.consent({ nickname: 'Bob', avatarUrl: 'wxfile://tmp/a.png' });
    await flush();
    expect(ran).toEqual(['work']);
  });
});

describe('login-page mode deep link', () => {
  it('sends a new user to the login page and back, leaving one page on the stack', async () => {
    const { auth, pages, navigations } = setup({ loginPage: '/pages/login/index' });
    pages.push('/pages/share/index?invite=abc');
    auth.start({ path: 'pages/share/index', query: { invite: 'abc', from: 'a b' } });
    expect(navigations).toEqual(['reLaunch /pages/login/index']);
    await flush();
    expect(navigations.at(-1)).toBe('redirectTo /pages/share/index?invite=abc&from=a%20b');
    expect(pages).toEqual(['/pages/share/index?invite=abc&from=a%20b']);
  });
});

describe('double taps and denial', () => {
  it('two consent taps send one profile; a denial sends nothing', async () => {
    const { auth, apiCalls } = setup({ profile: 'required' }, { profile: { nickname: null, avatarUrl: null } });
    auth.start({ path: 'pages/index/index' });
    await flush();
    auth.consentWithWeChat({ errMsg: 'getUserProfile:fail auth deny' });
    expect(auth.getView()).toMatchObject({ state: 'session.consentDenied', error: { reason: 'denied' } });
    expect(apiCalls('/me/profile')).toHaveLength(0);
    auth.consent({ nickname: 'Bob', avatarUrl: 'x' });
    auth.consent({ nickname: 'Bob', avatarUrl: 'x' });
    await flush();
    expect(apiCalls('/me/profile')).toHaveLength(1);
    expect(auth.getView()).toMatchObject({ signedIn: true, user: { nickname: 'Bob' } });
  });

  it('two login taps after logout send one login', async () => {
    const { auth, apiCalls } = await signedIn();
    auth.logout();
    expect(auth.getView().signedOut).toBe(true);
    auth.login();
    auth.login();
    await flush();
    expect(apiCalls('/wx/login')).toHaveLength(2);
    expect(auth.getToken()).toBe('t2');
  });
});

describe('failures a person sees', () => {
  it('a login the server refuses is shown once, typed, and retry works', async () => {
    const { auth, server, toasts } = setup({ retry: { maxRetries: 0 } });
    server.loginAnswers.push({
      ok: false, status: 400, header: {},
      data: { code: 0, error: 'WECHAT_CODE_INVALID', message: 'The login code is invalid.', errcode: 40029 },
    });
    auth.start({ path: 'pages/index/index' });
    await flush();
    expect(auth.getView()).toMatchObject({ failed: true, error: { reason: 'badCode', code: 'WECHAT_CODE_INVALID' } });
    expect(toasts).toEqual(['The login code is invalid.']);
    auth.retry();
    await flush();
    expect(auth.getView().signedIn).toBe(true);
  });

  it('back from the background past expiry logs in again', async () => {
    const { auth, clock, codes } = await signedIn();
    clock.set(NOW + 2 * 86_400_000);
    auth.onShow();
    await flush();
    expect(codes).toHaveLength(2);
    expect(auth.getToken()).toBe('t2');
  });

  it('logout everywhere revokes on the server and signs out', async () => {
    const { auth, apiCalls, server } = await signedIn();
    auth.logoutEverywhere();
    await flush();
    expect(apiCalls('/auth/logout-all')[0]?.header?.['Authorization']).toBe('Bearer t1');
    expect(server.validTokens.size).toBe(0);
    expect(auth.getView().signedOut).toBe(true);
  });
});
