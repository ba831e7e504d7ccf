// Scenarios 1, 2, 3, 5, 6 and 8 end to end: the SDK in the simulator's wx runtime, the real
// server over HTTP, real PostgreSQL. Assertions are what a person or the operator would see.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phone, World } from './testing/e2e-world.js';
import { eventually, startWorld } from './testing/e2e-world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const sentTo = (phone: Phone, path: string) => phone.runtime.sim.requests.filter((r) => r.url.endsWith(path));

function launch(phone: Phone, path = 'pages/index/index', query: Record<string, string> = {}) {
  phone.auth.start(phone.runtime.sim.launch({ path, query, scene: 1007 }));
}

async function signedIn(phone: Phone): Promise<void> {
  await eventually(() => phone.auth.getView().signedIn, 'signed in');
}

function getUserProfile(phone: Phone): Promise<void> {
  return new Promise((done) => {
    phone.runtime.wx.getUserProfile({
      desc: 'Show your name to friends',
      success: (detail) => done(phone.auth.consentWithWeChat(detail)),
      fail: (failure) => done(phone.auth.consentWithWeChat(failure)),
    });
  });
}

describe('scenario 1: a fresh user', () => {
  it('is registered and signed in silently: token stored, nothing shown, one page', async () => {
    const before = await world.events();
    const phone = world.phone();
    launch(phone);
    await signedIn(phone);
    expect(phone.runtime.sim.logins).toHaveLength(1);
    expect(String(phone.storage.get('miniauth:login'))).toContain(phone.auth.getToken()!);
    expect(phone.runtime.sim.toasts).toEqual([]);
    expect(phone.runtime.getCurrentPages().map((page) => page.route)).toEqual(['pages/index/index']);
    expect((await world.events()).slice(before.length)).toEqual(['UserRegistered', 'UserLoggedIn']);
    const me = await phone.auth.request<{ user: { id: string } }>({ url: '/me' });
    expect(me).toMatchObject({ ok: true, status: 200 });
  });
});

describe('scenario 2 and 3: the same person again', () => {
  it('same phone: signed in at once from storage, no wx.login, no network until the first call', async () => {
    const first = world.phone();
    launch(first);
    await signedIn(first);
    first.auth.stop();

    const again = world.phone({ storage: first.storage });
    launch(again);
    expect(again.auth.getView().signedIn).toBe(true);
    expect(again.runtime.sim.logins).toHaveLength(0);
    expect(again.runtime.sim.requests).toHaveLength(0);
    await expect(again.auth.request({ url: '/me' })).resolves.toMatchObject({ ok: true });
  });

  it('reinstall or new phone: a fresh login finds the user, keeps the profile, asks no consent', async () => {
    const first = world.phone({ profile: 'required' });
    launch(first);
    await eventually(() => first.auth.getView().needsConsent, 'login box shown');
    first.auth.consent({ nickname: 'Alice', avatarUrl: 'https://cdn.example.com/a.png' });
    await signedIn(first);
    const openid = (await first.runtime.sim.user()).openid;
    const before = await world.events();

    const newPhone = world.phone({ profile: 'required', openid });
    launch(newPhone);
    await signedIn(newPhone);
    expect(newPhone.auth.getView()).toMatchObject({ needsConsent: false, user: { nickname: 'Alice' } });
    expect((await world.events()).slice(before.length)).toEqual(['UserLoggedIn']);
  });
});

describe('scenario 5: a shared card opened by a new user', () => {
  it('component mode: the page defers its work until signed in', async () => {
    const phone = world.phone();
    const ran: string[] = [];
    launch(phone, 'pages/share/index', { invite: 'abc' });
    phone.auth.whenSignedIn(() => ran.push('accept invite abc'));
    expect(ran).toEqual([]);
    await signedIn(phone);
    expect(ran).toEqual(['accept invite abc']);
    expect(phone.runtime.getCurrentPages()).toEqual([{ route: 'pages/share/index', options: { invite: 'abc' } }]);
  });

  it('login-page mode: to the login page and back, leaving exactly the shared page with its query', async () => {
    const phone = world.phone({ loginPage: '/pages/login/index', profile: 'required' });
    launch(phone, 'pages/share/index', { invite: 'abc', from: 'a b' });
    expect(phone.runtime.getCurrentPages().map((page) => page.route)).toEqual(['pages/login/index']);
    await eventually(() => phone.auth.getView().needsConsent, 'login box shown');
    phone.auth.consent({ nickname: 'Bob', avatarUrl: 'https://cdn.example.com/b.png' });
    await signedIn(phone);
    await eventually(() => phone.runtime.getCurrentPages()[0]?.route === 'pages/share/index', 'back on the shared page');
    expect(phone.runtime.getCurrentPages()).toEqual([
      { route: 'pages/share/index', options: { invite: 'abc', from: 'a b' } },
    ]);
  });
});

describe('scenario 6: denied consent', () => {
  it('sends nothing, keeps the box and the silent session; agreeing later sends the WeChat payload', async () => {
    const phone = world.phone({ profile: 'required' });
    launch(phone);
    await eventually(() => phone.auth.getView().needsConsent, 'login box shown');
    phone.runtime.sim.decide({ profile: 'deny' });
    await getUserProfile(phone);
    expect(phone.auth.getView()).toMatchObject({ state: 'session.consentDenied', needsConsent: true });
    expect(sentTo(phone, '/me/profile/wechat')).toHaveLength(0);
    await expect(phone.auth.request({ url: '/me' })).resolves.toMatchObject({ ok: true });

    const before = await world.events();
    phone.runtime.sim.decide({ profile: 'allow' });
    await getUserProfile(phone);
    await signedIn(phone);
    expect(sentTo(phone, '/me/profile/wechat')).toHaveLength(1);
    expect(phone.runtime.sim.logins).toHaveLength(1); // no wx.login between the payload and its sending
    expect((await world.events()).slice(before.length)).toEqual(['ProfileUpdated']);
  });
});

describe('scenario 8: double taps', () => {
  it('two consent taps send one profile; two login taps send one login', async () => {
    const phone = world.phone({ profile: 'required' });
    launch(phone);
    await eventually(() => phone.auth.getView().needsConsent, 'login box shown');
    phone.auth.consent({ nickname: 'Carol', avatarUrl: 'https://cdn.example.com/c.png' });
    phone.auth.consent({ nickname: 'Carol', avatarUrl: 'https://cdn.example.com/c.png' });
    await signedIn(phone);
    expect(sentTo(phone, '/me/profile')).toHaveLength(1);

    phone.auth.logout();
    phone.auth.login();
    phone.auth.login();
    await signedIn(phone);
    expect(sentTo(phone, '/wx/login')).toHaveLength(2);
  });
});
