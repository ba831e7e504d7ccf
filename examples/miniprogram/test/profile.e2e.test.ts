// The profile page: phone binding with WeChat's getPhoneNumber button, logout and login again.

import { describe, expect, it } from 'vitest';
import { eventsSince, eventually, sentTo, useExampleWorld } from './support/example-world.js';

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
