// Scenarios 4, 7 and 9 end to end: a login that ends, WeChat and the network failing, logout
// and the return from the background. SDK in the simulator's wx runtime, real server, real
// PostgreSQL; failures are the simulator's faults, never a stand-in for our own code.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMiniAuthError, systemClock } from './index.js';
import { atRest } from './testing/at-rest.js';
import type { Phone, PhoneOptions, World } from './testing/e2e-world.js';
import { eventually, startWorld } from './testing/e2e-world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const sentTo = (phone: Phone, path: string) => phone.runtime.sim.requests.filter((r) => r.url.endsWith(path));

async function signedInPhone(options: PhoneOptions = {}): Promise<Phone> {
  const phone = world.phone(options);
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
  await eventually(() => phone.auth.getView().signedIn, 'signed in');
  return phone;
}

describe('scenario 4: the login ends (logout everywhere on another phone)', () => {
  it('ten requests on the revoked token: exactly one wx.login, each replayed once, all resolve', async () => {
    const phone = await signedInPhone();
    const openid = (await phone.runtime.sim.user()).openid;
    const other = await signedInPhone({ openid });
    other.auth.logoutEverywhere();
    await eventually(() => other.auth.getView().signedOut, 'other phone signed out');
    const revoked = phone.auth.getToken();

    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => phone.auth.request({ url: `/me?n=${i}` })));
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(phone.runtime.sim.logins).toHaveLength(2);
    for (let i = 0; i < 10; i += 1) {
      const sent = sentTo(phone, `/me?n=${i}`).map((request) => request.header['Authorization']);
      expect(sent).toEqual([`Bearer ${revoked}`, `Bearer ${phone.auth.getToken()}`]);
    }
    expect(phone.auth.getView().signedIn).toBe(true);
  });
});

describe('scenario 4: a server that keeps rejecting', () => {
  it('reaches the re-login cap: every caller gets the error, no loop', async () => {
    // A server whose clock races ahead: each token it issues has expired by the time it is checked.
    let serverTime = Date.now();
    const racing = await startWorld({ serverClock: () => (serverTime += 8 * 86_400_000) });
    try {
      const phone = racing.phone({ reloginCap: 2 });
      phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
      await eventually(() => phone.auth.getView().signedIn, 'signed in');
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => phone.auth.request({ url: `/me?n=${i}` }).catch((error: unknown) => error)),
      );
      expect(outcomes.every((outcome) => isMiniAuthError(outcome))).toBe(true);
      await expect(phone.auth.request({ url: '/me?late' })).rejects.toMatchObject({ code: 'RELOGIN_CAP_REACHED' });
      const sent = phone.runtime.sim.requests.length;
      await expect(phone.auth.request({ url: '/me?later' })).rejects.toMatchObject({ code: 'RELOGIN_CAP_REACHED' });
      await atRest(phone);
      expect(phone.runtime.sim.requests.length).toBe(sent);
      expect(phone.runtime.sim.logins).toHaveLength(3); // the first login and two silent re-logins
      expect(phone.auth.getView()).toMatchObject({ failed: true, error: { code: 'RELOGIN_CAP_REACHED' } });
      expect(phone.runtime.sim.toasts).toHaveLength(1);
    } finally {
      await racing.close();
    }
  });
});

describe('scenario 7: failures end in a typed state with their retry policy', () => {
  it('WeChat busy (-1): backs off and logs in with a fresh code, nothing shown', async () => {
    await world.device.fault({ api: 'jscode2session', errcode: -1 });
    const phone = await signedInPhone({ retry: { backoffMs: 20 } });
    expect(phone.runtime.sim.logins).toHaveLength(2);
    expect(phone.runtime.sim.toasts).toEqual([]);
  });

  it('a used code (40163): a fresh wx.login at once', async () => {
    await world.device.fault({ api: 'jscode2session', errcode: 40163 });
    const phone = await signedInPhone({ retry: { backoffMs: 60_000 } });
    expect(phone.runtime.sim.logins).toHaveLength(2);
  });

  it('a high-risk user (40226): blocked, told once, never retried', async () => {
    await world.device.fault({ api: 'jscode2session', errcode: 40226 });
    const phone = world.phone();
    phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
    await eventually(() => phone.auth.getView().failed, 'failed');
    phone.auth.retry();
    await atRest(phone);
    expect(phone.auth.getView()).toMatchObject({ state: 'failed.blocked', error: { reason: 'blocked', code: 'WECHAT_USER_BLOCKED' } });
    expect(phone.runtime.sim.logins).toHaveLength(1);
    expect(phone.runtime.sim.toasts).toHaveLength(1);
  });

  it('WeChat quota (45011): waits instead of retrying, and says so', async () => {
    await world.device.fault({ api: 'jscode2session', errcode: 45011 });
    const phone = world.phone();
    phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
    await eventually(() => phone.auth.getView().failed, 'failed');
    expect(phone.auth.getView()).toMatchObject({ state: 'failed.coolingDown', busy: false, error: { reason: 'rateLimited' } });
    expect(phone.runtime.sim.toasts).toHaveLength(1);
    expect(phone.runtime.sim.logins).toHaveLength(1);
  });

  it('the network is down: capped retries, one toast, requests rejected; retry works once back', async () => {
    const phone = world.phone({ retry: { backoffMs: 10, maxRetries: 1 } });
    phone.runtime.sim.setNetwork('offline');
    phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
    await eventually(() => phone.auth.getView().failed, 'failed');
    expect(phone.auth.getView().state).toBe('failed.stopped');
    expect(phone.runtime.sim.toasts).toHaveLength(1);
    await expect(phone.auth.request({ url: '/me' })).rejects.toSatisfy(isMiniAuthError);

    phone.runtime.sim.setNetwork('online');
    phone.auth.retry();
    await eventually(() => phone.auth.getView().signedIn, 'signed in after retry');
  });
});

describe('scenario 9: logout, and back from the background', () => {
  it('logout forgets the token and a relaunch stays signed out until the person logs in', async () => {
    const phone = await signedInPhone();
    phone.auth.logout();
    expect(phone.auth.getView().signedOut).toBe(true);
    phone.auth.stop();
    const relaunched = world.phone({ storage: phone.storage });
    relaunched.auth.start(relaunched.runtime.sim.launch({ path: 'pages/index/index' }));
    expect(relaunched.auth.getView().signedOut).toBe(true);
    expect(relaunched.runtime.sim.logins).toHaveLength(0);
  });

  it('logout everywhere is recorded and signs this phone out', async () => {
    const phone = await signedInPhone();
    const before = await world.events();
    phone.auth.logoutEverywhere();
    await eventually(() => phone.auth.getView().signedOut, 'signed out');
    expect((await world.events()).slice(before.length)).toEqual(['SessionsRevoked']);
    expect(sentTo(phone, '/auth/logout-all')).toHaveLength(1);
  });

  it('onShow after the token expired by the clock logs in again silently', async () => {
    let offset = 0;
    const clock = { ...systemClock, now: () => Date.now() + offset };
    const phone = await signedInPhone({ clock });
    phone.runtime.sim.hide();
    offset = 8 * 86_400_000; // a week in the background: the token's 7 days are over
    phone.runtime.sim.show();
    phone.auth.onShow();
    expect(phone.auth.getView().busy).toBe(true);
    await eventually(() => phone.auth.getView().signedIn, 'signed in again');
    expect(phone.runtime.sim.logins).toHaveLength(2);
  });
});
