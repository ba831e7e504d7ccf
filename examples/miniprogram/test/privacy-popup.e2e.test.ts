// The example's privacy popup on a phone that has not agreed to the guide yet: the phone button
// waits on it; agreeing binds the number once, refusing sends nothing and is explained.

import { describe, expect, it } from 'vitest';
import { eventually, sentTo, useExampleWorld } from '../testing/example-world.js';

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
