// The profile page: phone binding with WeChat's getPhoneNumber button, logout and login again,
// in login-page mode too, where the way back from the login page is its "Continue" link.

import { describe, expect, it } from 'vitest';
import { atRest, eventsSince, eventually, fillInProfile, loginBoxShown, sentTo, useExampleWorld } from '../testing/example-world.js';

const example = useExampleWorld();

describe('the profile page', () => {
  it('binds a phone number with the button; a refusal is explained and sends nothing', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'none' });
    phone.launch('pages/profile/index');
    const profile = phone.page();
    await eventually(() => profile.find('#bind-phone') !== undefined, 'the phone button shows');
    const before = await example.world().events();

    phone.runtime.sim.decide({ phone: 'deny' });
    await profile.fire('getphonenumber', ['#bind-phone'], (await phone.runtime.sim.tapGetPhoneNumber()).detail);
    expect(profile.find('#phone-refused')).toBeDefined();
    expect(profile.text()).toContain('Your number was not shared.');
    expect(sentTo(phone, '/me/phone')).toHaveLength(0);

    phone.runtime.sim.decide({ phone: 'allow' });
    await profile.fire('getphonenumber', ['#bind-phone'], (await phone.runtime.sim.tapGetPhoneNumber()).detail);
    await eventually(() => profile.find('#phone') !== undefined, 'the phone number shows');
    expect(profile.text()).toMatch(/Phone \S*\*{4}\S*/); // masked by the server
    expect(profile.find('#phone-refused')).toBeUndefined();
    expect(sentTo(phone, '/me/phone', 'POST')).toHaveLength(1);
    expect(await eventsSince(example.world(), before)).toEqual(['PhoneNumberBound']);
  });

  it('logs out, then back in with the page\'s button', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'none' });
    phone.launch('pages/profile/index');
    const profile = phone.page();
    await eventually(() => profile.find('#logout') !== undefined, 'signed in');

    await profile.tap('#logout');
    expect(profile.find('#signed-out')).toBeDefined();
    expect(profile.find('#profile')).toBeUndefined();

    await profile.tap('#login');
    await eventually(() => profile.find('#profile') !== undefined, 'signed in again');
    expect(sentTo(phone, '/wx/login', 'POST')).toHaveLength(2);
  });
});

describe('the profile page in login-page mode', () => {
  it('logs out, logs in again on the login page, which stays, and "Continue" relaunches home', async () => {
    const phone = example.phone({ loginMode: 'loginPage', profile: 'required' });
    phone.launch('pages/profile/index', {}, 1001);
    await eventually(() => loginBoxShown(phone.page()), 'the login box shows on the login page');
    await fillInProfile(phone, phone.page(), 'Frank');
    await phone.page().tap('#login-box', '#submit');
    await eventually(() => phone.page().find('#logout') !== undefined, 'signed in, back on the profile page');
    const profile = phone.page();
    expect(profile.route).toBe('pages/profile/index');

    // A plain logout leaves the person where they are: no login page until they ask for one.
    await profile.tap('#logout');
    expect(profile.find('#signed-out')).toBeDefined();
    expect(phone.runtime.getCurrentPages()).toEqual([{ route: 'pages/profile/index', options: {} }]);
    await profile.tap('#login');
    await eventually(() => phone.page().route === 'pages/login/index', 'on the login page');
    expect(phone.runtime.getCurrentPages()).toEqual([{ route: 'pages/login/index', options: {} }]);

    const login = phone.page();
    expect(loginBoxShown(login)).toBe(false);
    await login.tap('#login');
    await eventually(() => login.find('#signed-in') !== undefined, 'signed in on the login page');
    expect(login.text()).toContain('Signed in as Frank.');
    await atRest(phone); // a stray navigation would have been made by now
    expect(phone.runtime.getCurrentPages()).toEqual([{ route: 'pages/login/index', options: {} }]);
    expect(sentTo(phone, '/wx/login', 'POST')).toHaveLength(2);
    expect(sentTo(phone, '/me/profile', 'PUT')).toHaveLength(1); // the profile was kept: no second consent

    await login.tap('#continue');
    expect(phone.runtime.getCurrentPages()).toEqual([{ route: 'pages/index/index', options: {} }]);
    const home = phone.page();
    expect(home.route).toBe('pages/index/index');
    expect(home.find('#greeting')).toBeDefined();
    expect(home.text()).toContain('Hello, Frank');
    expect(home.text()).toContain('You are signed in.');
  });
});
