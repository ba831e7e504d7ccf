// The request broker asks the machine about every request it cannot send on its own, so the
// answer comes from the state the machine is in when it takes the request, not from an older
// snapshot the page happened to see.

import { describe, expect, it } from 'vitest';
import { createMiniAuth, isMiniAuthError } from './index.js';
import { flush, memoryPlatform } from './testing/memory-platform.js';

describe('page requests', () => {
  it('a page opened by the deep-link redirect asks at once, mid-transition: its request carries the new token', async () => {
    const fake = memoryPlatform();
    // A port whose navigation runs the new page's onLoad synchronously (an H5 router, a test
    // harness): the page asks while the machine is still entering the session.
    const { redirectTo } = fake.platform.navigator;
    let onLoad: Promise<unknown> | null = null;
    fake.platform.navigator.redirectTo = (url) => {
      const done = redirectTo(url);
      onLoad = auth.request({ url: '/invites/abc' });
      return done;
    };
    const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform, loginPage: '/pages/login/index' });
    auth.start({ path: 'pages/share/index', query: { invite: 'abc' } });
    await flush();

    expect(auth.getView().signedIn).toBe(true);
    expect(fake.navigations).toEqual(['reLaunch /pages/login/index', 'redirectTo /pages/share/index?invite=abc']);
    expect(onLoad).not.toBeNull();
    await expect(onLoad).resolves.toMatchObject({ ok: true, data: { token: 't1' } });
    expect(fake.apiCalls('/invites/abc').map((call) => call.header?.['Authorization'])).toEqual(['Bearer t1']);
    auth.stop();
  });

  it('signed out, a request still goes out, without a token (public routes)', async () => {
    const fake = memoryPlatform();
    const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform });
    auth.start({ path: 'pages/index/index' });
    await flush();
    auth.logout();
    await expect(auth.request({ url: '/catalogue' })).resolves.toMatchObject({ status: 401 });
    expect(fake.apiCalls('/catalogue').map((call) => call.header?.['Authorization'])).toEqual([undefined]);
    auth.stop();
  });

  it('after stop() a request is rejected at once with a typed error instead of waiting forever', async () => {
    const fake = memoryPlatform();
    const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform });
    auth.start({ path: 'pages/index/index' });
    await flush();
    auth.stop();
    const error = await auth.request({ url: '/orders' }).catch((e: unknown) => e);
    expect(isMiniAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'LOGIN_GONE' });
    expect(fake.apiCalls('/orders')).toHaveLength(0);
  });
});
