// The example's privacy popup on a phone that has not agreed to the guide yet: the phone button
// waits on it; agreeing binds the number once, refusing sends nothing and is explained.

import { describe, expect, it } from 'vitest';
import { eventually, loginBoxShown, sentTo, useExampleWorld } from '../testing/example-world.js';

const example = useExampleWorld();

describe('the privacy popup', () => {
  it('agree: the held phone tap goes on and the number is bound once', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'none', privacy: { agreedVersion: 0 } });
    phone.launch('pages/profile/index');
    const profile = phone.page();
    await eventually(() => profile.find('#bind-phone') !== undefined, 'the phone button shows');
    expect(profile.find('#privacy-popup-host', '#privacy-popup')).toBeUndefined();

    const tapped = phone.runtime.sim.tapGetPhoneNumber();
    await eventually(() => profile.find('#privacy-popup-host', '#privacy-popup') !== undefined, 'the popup shows');
    expect(phone.runtime.sim.privacyExposures()).toBe(1);
    await profile.tap('#privacy-popup-host', '#privacy-contract');
    expect(phone.runtime.sim.privacyContractsOpened()).toBe(1);

    phone.runtime.sim.tapAgreePrivacy('agree-btn');
    await profile.fire('agreeprivacyauthorization', ['#privacy-popup-host', '#agree-btn']);
    await profile.fire('getphonenumber', ['#bind-phone'], (await tapped).detail);
    await eventually(() => profile.find('#phone') !== undefined, 'the phone number shows');
    expect(profile.find('#privacy-popup-host', '#privacy-popup')).toBeUndefined();
    expect(sentTo(phone, '/me/phone', 'POST')).toHaveLength(1);
  });

  it('refuse: nothing is sent, the page explains, and the next tap asks again', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'none', privacy: { agreedVersion: 0 } });
    phone.launch('pages/profile/index');
    const profile = phone.page();
    await eventually(() => profile.find('#bind-phone') !== undefined, 'the phone button shows');

    const tapped = phone.runtime.sim.tapGetPhoneNumber();
    await eventually(() => profile.find('#privacy-popup-host', '#privacy-popup') !== undefined, 'the popup shows');
    await profile.tap('#privacy-popup-host', '#privacy-refuse');
    await profile.fire('getphonenumber', ['#bind-phone'], (await tapped).detail);
    expect(profile.find('#privacy-refused')).toBeDefined();
    expect(profile.find('#phone-refused')).toBeUndefined();
    expect(sentTo(phone, '/me/phone', 'POST')).toHaveLength(0);

    void phone.runtime.sim.tapGetPhoneNumber();
    await eventually(() => profile.find('#privacy-popup-host', '#privacy-popup') !== undefined, 'the popup again');
  });
});

// WeChat's <input type="nickname"> offers the WeChat nickname (and reviews it) only once the
// privacy guide is agreed; the login box asks when the field gets focus, through the page's popup.
describe('the login box on a phone that has not agreed to the privacy guide', () => {
  const notAgreed = { loginMode: 'component', profile: 'required', privacy: { agreedVersion: 0 } } as const;

  it('focusing the nickname field shows the popup; agreeing lets the field work and the profile goes out once', async () => {
    const phone = example.phone(notAgreed);
    phone.launch('pages/index/index');
    const home = phone.page();
    await eventually(() => loginBoxShown(home), 'the login box shows');
    expect(home.find('#privacy-popup-host', '#privacy-popup')).toBeUndefined();

    await home.fire('focus', ['#login-box', '#nickname'], { value: '' });
    await eventually(() => home.find('#privacy-popup-host', '#privacy-popup') !== undefined, 'the popup shows');
    expect(loginBoxShown(home)).toBe(true);

    phone.runtime.sim.tapAgreePrivacy('agree-btn');
    await home.fire('agreeprivacyauthorization', ['#privacy-popup-host', '#agree-btn']);
    await eventually(() => home.find('#privacy-popup-host', '#privacy-popup') === undefined, 'the popup goes');
    expect(phone.runtime.sim.privacy.agreedVersion).toBe(1);

    // The field now works as WeChat's nickname input: reviewed, and no popup asked for it.
    const entry = await phone.runtime.sim.typeNickname('Ada');
    expect(entry).toEqual({ value: 'Ada', review: { pass: true, timeout: false } });
    expect(phone.runtime.sim.privacyRecords.at(-1)).toMatchObject({ api: 'nickname', popup: 'none', outcome: 'agreed' });
    await home.fire('input', ['#login-box', '#nickname'], { value: entry.value });
    await home.fire('blur', ['#login-box', '#nickname'], { value: entry.value });
    const avatar = await phone.runtime.sim.tapChooseAvatar();
    await home.fire('chooseavatar', ['#login-box', '#avatar'], avatar.detail);
    await home.tap('#login-box', '#submit');

    await eventually(() => home.text().includes('Hello, Ada'), 'greeted');
    expect(loginBoxShown(home)).toBe(false);
    expect(sentTo(phone, '/me/profile', 'PUT')).toHaveLength(1);
    expect(sentTo(phone, '/me/profile', 'PUT')[0]!.data).toMatchObject({ nickname: 'Ada' });
  });

  it('refusing keeps the box, explains, sends nothing, and the next focus asks again', async () => {
    const phone = example.phone(notAgreed);
    phone.launch('pages/index/index');
    const home = phone.page();
    await eventually(() => loginBoxShown(home), 'the login box shows');

    await home.fire('focus', ['#login-box', '#nickname'], { value: '' });
    await eventually(() => home.find('#privacy-popup-host', '#privacy-popup') !== undefined, 'the popup shows');
    await home.tap('#privacy-popup-host', '#privacy-refuse');
    await eventually(() => home.find('#privacy-popup-host', '#privacy-popup') === undefined, 'the popup goes');

    expect(loginBoxShown(home)).toBe(true);
    expect(home.find('#login-box', '#privacy-refused')).toBeDefined();
    expect(home.text()).toContain('You did not agree to the privacy guide');
    expect(home.text()).not.toContain('Without a name and an avatar');
    expect(home.find('#login-box', '#deny')).toBeDefined(); // the profile itself was not refused
    expect(phone.runtime.sim.privacy.agreedVersion).toBe(0);
    expect(phone.auth.getView().error).toMatchObject({ reason: 'denied', code: 'PRIVACY_REFUSED' });
    expect(sentTo(phone, '/me/profile')).toHaveLength(0);

    await home.fire('focus', ['#login-box', '#nickname'], { value: '' });
    await eventually(() => home.find('#privacy-popup-host', '#privacy-popup') !== undefined, 'the popup again');
  });
});
