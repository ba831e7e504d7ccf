// The login box on the home page (component mode, profile required), run as a phone runs the
// example: app.js, the page and the box rendered by miniprogram-simulate, the simulator's wx,
// the real server and PostgreSQL. Assertions are what the person sees and what the server got.

import { describe, expect, it } from 'vitest';
import {
  eventsSince, eventually, fillInProfile, loginBoxShown, sentTo, useExampleWorld,
} from '../testing/example-world.js';

const example = useExampleWorld();

describe('a new user on the home page', () => {
  it('is signed in silently, taps through consent once, and is greeted by name', async () => {
    const before = await example.world().events();
    const phone = example.phone({ loginMode: 'component', profile: 'required' });
    phone.launch('pages/index/index', {}, 1001);
    const home = phone.page();
    await eventually(() => loginBoxShown(home), 'the login box shows');
    expect(home.text()).toContain('Share a nickname and an avatar so that your friends recognise you.');
    expect(home.find('#greeting')).toBeUndefined();

    await home.tap('#login-box', '#submit');
    expect(home.text()).toContain('Choose an avatar and a nickname first.');

    await fillInProfile(phone, home, 'Bob');
    await Promise.all([home.tap('#login-box', '#submit'), home.tap('#login-box', '#submit')]); // a double tap
    await eventually(() => home.find('#greeting') !== undefined, 'greeted');

    expect(home.text()).toContain('Hello, Bob');
    expect(loginBoxShown(home)).toBe(false);
    expect(sentTo(phone, '/me/profile', 'PUT')).toHaveLength(1);
    expect(sentTo(phone, '/me/profile', 'PUT')[0]!.data).toMatchObject({ nickname: 'Bob', avatarUrl: expect.stringMatching(/^http:\/\/tmp\//) });
    expect(phone.runtime.sim.logins).toHaveLength(1);
    expect(await eventsSince(example.world(), before)).toEqual(['UserRegistered', 'UserLoggedIn', 'ProfileUpdated']);
  });

  it('who taps "Not now" keeps the box with an explanation, nothing sent, and can still agree', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'required' });
    phone.launch('pages/index/index');
    const home = phone.page();
    await eventually(() => loginBoxShown(home), 'the login box shows');

    await home.tap('#login-box', '#deny');
    expect(loginBoxShown(home)).toBe(true);
    expect(home.text()).toContain('Nothing was shared; you can change your mind at any time.');
    expect(home.find('#login-box', '#deny')).toBeUndefined();
    expect(sentTo(phone, '/me/profile')).toHaveLength(0);

    await fillInProfile(phone, home, 'Dana');
    await home.tap('#login-box', '#submit');
    await eventually(() => home.text().includes('Hello, Dana'), 'greeted after agreeing');
    expect(loginBoxShown(home)).toBe(false);
  });
});

describe('an older base library (getUserProfile instead of the fill-in)', () => {
  it('shows the WeChat profile button; a refusal keeps the box, sends nothing, and the box works again', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'required', baseLibrary: 'legacy' });
    phone.launch('pages/index/index');
    const home = phone.page();
    await eventually(() => loginBoxShown(home), 'the login box shows');
    expect(home.find('#login-box', '#legacy-profile')).toBeDefined();
    expect(home.find('#login-box', '#avatar')).toBeUndefined();

    phone.runtime.sim.decide({ profile: 'deny' });
    await home.tap('#login-box', '#legacy-profile');
    await eventually(() => home.text().includes('Nothing was shared'), 'the refusal explained');
    expect(loginBoxShown(home)).toBe(true);
    expect(sentTo(phone, '/me/profile/wechat')).toHaveLength(0);
    // The silent session is untouched by the refusal: the app's API calls still work.
    await expect(phone.auth.request({ url: '/me' })).resolves.toMatchObject({ ok: true, status: 200 });

    const before = await example.world().events();
    phone.runtime.sim.decide({ profile: 'allow' });
    await Promise.all([home.tap('#login-box', '#legacy-profile'), home.tap('#login-box', '#legacy-profile')]);
    await eventually(() => home.find('#greeting') !== undefined, 'greeted');
    expect(loginBoxShown(home)).toBe(false);
    expect(phone.profileDialogs).toBe(2); // the refusal, then one dialog for the double tap
    expect(sentTo(phone, '/me/profile/wechat', 'POST')).toHaveLength(1);
    expect(phone.runtime.sim.logins).toHaveLength(1); // no wx.login between the payload and its sending
    expect(await eventsSince(example.world(), before)).toEqual(['ProfileUpdated']);
  });
});
