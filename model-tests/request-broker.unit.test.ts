// The request requirements (R1, R4–R6, R12) on the SDK's request broker, run with the real
// machine and the real SDK over an in-memory platform whose HTTP edge answers like the miniauth
// server: what reaches the network for each page request, with which token, how often, and how
// each request ends. The generated paths check the same properties end to end; these runs reach
// the broker's own choices (URLs, defaults, ids, the "token accepted" report) in a second.

import { describe, expect, it } from 'vitest';
import { createMiniAuth, isMiniAuthError } from '../client/index.js';
import type { MiniAuth } from '../client/index.js';
import { flush, memoryPlatform } from '../client/testing/memory-platform.js';

type Fake = ReturnType<typeof memoryPlatform>;

async function signedIn(options: { reloginCap?: number; timeout?: number } = {}): Promise<{ fake: Fake; auth: MiniAuth }> {
  const fake = memoryPlatform();
  const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform, ...options });
  auth.start({ path: 'pages/index/index' });
  await flush();
  expect(auth.getView().signedIn).toBe(true);
  return { fake, auth };
}

const tokensSent = (fake: Fake, path: string) => fake.apiCalls(path).map((call) => call.header?.['Authorization'] ?? null);
const logins = (fake: Fake) => fake.apiCalls('/wx/login').length;

/** How each request ended: its answer's status, or its rejection's code (settled once: a second settlement would be ignored by the promise, so it is counted here). */
function track<T>(promise: Promise<T>) {
  const fate: { settled: number; value?: T; code?: string } = { settled: 0 };
  promise.then(
    (value) => { fate.settled += 1; fate.value = value; },
    (error: unknown) => { fate.settled += 1; fate.code = isMiniAuthError(error) ? error.code : `untyped ${String(error)}`; },
  );
  return fate;
}

describe('R6: what a request carries', () => {
  it('the token while signed in, on the base URL or the absolute one given, with the method, headers, body and timeout asked for', async () => {
    const { fake, auth } = await signedIn({ timeout: 5000 });
    await auth.request({ url: '/orders' });
    await auth.request({ url: 'https://cdn.test/files', method: 'PUT', data: { a: 1 }, header: { 'x-trace': 'abc' }, timeout: 1500 });
    await auth.request({ url: 'http://127.0.0.1:8080/dev' }); // a development server, plain http
    expect(fake.server.requests.at(-1)?.url).toBe('http://127.0.0.1:8080/dev');
    await auth.request({ url: '/go?to=https://elsewhere.test/x' });
    expect(fake.server.requests.at(-1)?.url).toBe('https://api.test/go?to=https://elsewhere.test/x');
    const [orders, files] = [fake.apiCalls('/orders')[0]!, fake.apiCalls('/files')[0]!];
    expect(orders).toMatchObject({ url: 'https://api.test/orders', method: 'GET', timeout: 5000, header: { Authorization: 'Bearer t1' } });
    expect(files).toMatchObject({
      url: 'https://cdn.test/files', method: 'PUT', data: { a: 1 }, timeout: 1500, header: { 'x-trace': 'abc', Authorization: 'Bearer t1' },
    });
    auth.stop();
  });

  it('none once signed out (public routes still answer), and nothing at all after stop()', async () => {
    const { fake, auth } = await signedIn();
    auth.logout();
    const open = track(auth.request({ url: '/catalogue' }));
    await flush();
    expect(open).toMatchObject({ settled: 1, value: { status: 401 } });
    expect(tokensSent(fake, '/catalogue')).toEqual([null]);
    expect(logins(fake)).toBe(1); // a refused public call is an answer, not a reason to log in
    auth.stop();
    const after = track(auth.request({ url: '/orders' }));
    await flush();
    expect(after).toEqual({ settled: 1, code: 'LOGIN_GONE' });
    expect(fake.apiCalls('/orders')).toEqual([]);
  });
});

describe('R1, R5: requests that find the login gone share one re-login and are replayed once', () => {
  it('three at once: one wx.login, each sent again once with the new token, each answered once', async () => {
    const { fake, auth } = await signedIn();
    fake.server.validTokens.clear();
    const fates = ['/a', '/b', '/c'].map((url) => track(auth.request({ url })));
    await flush(12);
    expect(logins(fake)).toBe(2);
    expect(fake.codes).toHaveLength(2);
    for (const [i, path] of ['/a', '/b', '/c'].entries()) {
      expect(tokensSent(fake, path), path).toEqual(['Bearer t1', 'Bearer t2']);
      expect(fates[i], path).toMatchObject({ settled: 1, value: { status: 200, data: { path, token: 't2' } } });
    }
    auth.stop();
  });

  it('a request refused again after its replay is rejected with a typed error, never sent a third time', async () => {
    const { fake, auth } = await signedIn({ reloginCap: 5 });
    fake.server.rejectEveryToken = true;
    const fate = track(auth.request({ url: '/orders' }));
    await flush(12);
    expect(fate).toMatchObject({ settled: 1, code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/) });
    expect(fake.apiCalls('/orders')).toHaveLength(2);
    auth.stop();
  });

  it('a network failure rejects the request once with its typed code; the next request is independent', async () => {
    const { fake, auth } = await signedIn();
    fake.server.dropPaths.add('/slow');
    const dropped = track(auth.request({ url: '/slow' }));
    const fine = track(auth.request({ url: '/fast' }));
    await flush();
    expect(dropped).toEqual({ settled: 1, code: 'NETWORK' });
    expect(fine).toMatchObject({ settled: 1, value: { status: 200, data: { path: '/fast' } } });
    expect(auth.getView().signedIn).toBe(true);
    auth.stop();
  });

  it('requests waiting for a login that the person ends by logging out are rejected once, as ended', async () => {
    const fake = memoryPlatform();
    fake.server.dropPaths.add('/wx/login');
    const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform });
    auth.start({ path: 'pages/index/index' });
    const waiting = [track(auth.request({ url: '/a' })), track(auth.request({ url: '/b' }))];
    await flush(1);
    auth.logout();
    await flush();
    expect(waiting).toEqual([{ settled: 1, code: 'LOGIN_GONE' }, { settled: 1, code: 'LOGIN_GONE' }]);
    expect(fake.apiCalls('/a')).toEqual([]);
    auth.stop();
  });
});

describe('R4, R12: re-logins are counted since the server last accepted the token', () => {
  it('an answer to the new token renews the budget: with a cap of one, every expiry is survived', async () => {
    const { fake, auth } = await signedIn({ reloginCap: 1 });
    for (const round of [2, 3, 4]) {
      fake.server.validTokens.clear();
      const fate = track(auth.request({ url: `/round${round}` }));
      await flush(12);
      expect(fate, `round ${round}`).toMatchObject({ settled: 1, value: { status: 200, data: { token: `t${round}` } } });
    }
    expect(logins(fake)).toBe(4);
    auth.stop();
  });

  it('an answer to a token the re-login replaced does not renew the budget', async () => {
    const fake = memoryPlatform();
    // The edge holds the answer to /slow, and drops the second send of /b: the only answer the
    // new token would get.
    const { send } = fake.platform.request;
    let release: () => void = () => {};
    let sendsOfB = 0;
    fake.platform.request.send = (request) => {
      if (request.url.endsWith('/slow')) {
        const answer = send(request);
        return new Promise((resolve, reject) => { release = () => answer.then(resolve, reject); });
      }
      if (request.url.endsWith('/b') && ++sendsOfB === 2) {
        fake.server.requests.push(request);
        return Promise.reject(Object.assign(new Error('offline'), { reason: 'network', code: 'NETWORK', message: 'offline' }));
      }
      return send(request);
    };
    const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform, reloginCap: 1 });
    auth.start({ path: 'pages/index/index' });
    await flush();
    const slow = track(auth.request({ url: '/slow' })); // sent with t1, answered 200 later
    await flush();
    fake.server.validTokens.clear();
    const b = track(auth.request({ url: '/b' }));
    await flush(12);
    expect(tokensSent(fake, '/b')).toEqual(['Bearer t1', 'Bearer t2']);
    expect(b).toMatchObject({ settled: 1 });
    release();
    await flush();
    expect(slow).toMatchObject({ settled: 1, value: { status: 200, data: { token: 't1' } } });
    fake.server.validTokens.clear();
    const c = track(auth.request({ url: '/c' }));
    await flush(12);
    expect(c).toEqual({ settled: 1, code: 'RELOGIN_CAP_REACHED' });
    expect(logins(fake)).toBe(2);
    auth.stop();
  });

  it('without an accepted answer in between, the next expiry is past the cap and reaches the caller', async () => {
    const { fake, auth } = await signedIn({ reloginCap: 1 });
    fake.server.rejectEveryToken = true; // the new token is refused too: nothing is ever accepted
    const fate = track(auth.request({ url: '/orders' }));
    await flush(12);
    expect(fate).toEqual({ settled: 1, code: 'RELOGIN_CAP_REACHED' });
    expect(tokensSent(fake, '/orders')).toEqual(['Bearer t1', 'Bearer t2']);
    expect(logins(fake)).toBe(2);
    auth.stop();
  });
});
