// Scenario 11, phone numbers as a paid quota, end to end: the SDK in the simulator's wx runtime,
// the real server, PostgreSQL. A bound number hides the button for good (a reinstall charges
// nothing more); 1400001 ends in "not available now", reported once, never retried.

import { describe, expect, it } from 'vitest';
import { SIMULATOR_APP } from '../server/config.js';
import { phoneNumberButton } from './phone-number.js';
import type { Phone } from './testing/e2e-world.js';
import { eventually, worldForThisFile } from './testing/e2e-world.js';

const world = worldForThisFile();

async function signedIn(phone: Phone): Promise<void> {
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index', query: {}, scene: 1001 }));
  await eventually(() => phone.auth.getView().signedIn, 'signed in');
}

describe('scenario 11: the phone-number button', () => {
  it('is shown until a number is bound, and never again, even after a reinstall: one number charged', async () => {
    const phone = world().phone();
    await signedIn(phone);
    const button = phoneNumberButton(phone.auth);
    expect(button.state()).toBe('available');
    const charged = world().simulator.state.phoneQuota(SIMULATOR_APP.appId).charged;

    await button.onTap((await phone.runtime.sim.tapGetPhoneNumber()).detail);
    await eventually(() => button.state() === 'bound', 'number bound');
    const openid = (await phone.runtime.sim.user()).openid;

    const reinstalled = world().phone({ openid });
    await signedIn(reinstalled);
    expect(phoneNumberButton(reinstalled.auth).state()).toBe('bound');
    expect(world().simulator.state.phoneQuota(SIMULATOR_APP.appId).charged).toBe(charged + 1);
  });

  it('shows a number bound to another person as a typed refusal, and keeps the button', async () => {
    const number = `137${String(Date.now()).slice(-8)}`;
    const phones = [];
    for (let i = 0; i < 2; i++) {
      const { openid } = await world().device.createUser({ phone: number });
      const phone = world().phone({ openid });
      await signedIn(phone);
      phones.push(phone);
    }
    const [holder, other] = [phones[0]!, phones[1]!];
    const holderButton = phoneNumberButton(holder.auth);
    await holderButton.onTap((await holder.runtime.sim.tapGetPhoneNumber()).detail);
    await eventually(() => holderButton.state() === 'bound', 'number bound');

    const button = phoneNumberButton(other.auth);
    await button.onTap((await other.runtime.sim.tapGetPhoneNumber()).detail);
    await eventually(() => other.auth.getView().error?.code === 'PHONE_NUMBER_TAKEN', 'refusal shown');
    expect(other.auth.getView().error).toMatchObject({ reason: 'rejected', code: 'PHONE_NUMBER_TAKEN' });
    expect(other.auth.getView().signedIn).toBe(true);
    expect(button.state()).toBe('available');
  });

  it('turns 1400001 into "not available now": reported to the server once, no retry, no error', async () => {
    const phone = world().phone();
    await signedIn(phone);
    phone.runtime.sim.decide({ phone: 'no-quota' });
    const button = phoneNumberButton(phone.auth);
    const before = (await world().events()).filter((type) => type === 'PhoneNumberUnavailable').length;
    for (let tap = 0; tap < 2; tap++) await button.onTap((await phone.runtime.sim.tapGetPhoneNumber()).detail);
    expect(button.state()).toBe('unavailable');
    expect(phone.auth.getView()).toMatchObject({ signedIn: true, failed: false });
    const reports = phone.runtime.sim.requests.filter((request) => request.url.endsWith('/me/phone/unavailable'));
    expect(reports).toHaveLength(1);
    expect(phone.runtime.sim.requests.filter((request) => request.url.endsWith('/me/phone'))).toHaveLength(0);
    expect((await world().events()).filter((type) => type === 'PhoneNumberUnavailable').length).toBe(before + 1);
  });

  it("ends in \"not available now\" when the app's quota is spent on the simulator: the button's errno 1400001, one report, no charge", async () => {
    const phone = world().phone();
    await signedIn(phone);
    const appId = SIMULATOR_APP.appId;
    await world().device.setPhoneQuota([{ all: 3, used: 3 }], appId);
    try {
      const button = phoneNumberButton(phone.auth);
      const charged = (await world().device.phoneQuota(appId)).charged;
      const before = (await world().events()).filter((type) => type === 'PhoneNumberUnavailable').length;

      const event = await phone.runtime.sim.tapGetPhoneNumber();
      expect(event).toEqual({ type: 'getphonenumber', detail: { errMsg: 'getPhoneNumber:fail no permission', errno: 1400001 } });
      await button.onTap(event.detail);
      expect(button.state()).toBe('unavailable');
      await button.onTap((await phone.runtime.sim.tapGetPhoneNumber()).detail); // tapped again: still spent

      expect(button.state()).toBe('unavailable');
      expect(phone.auth.getView()).toMatchObject({ signedIn: true, failed: false });
      expect(phone.runtime.sim.requests.filter((request) => request.url.endsWith('/me/phone/unavailable'))).toHaveLength(1);
      expect(phone.runtime.sim.requests.filter((request) => request.url.endsWith('/me/phone'))).toHaveLength(0);
      expect((await world().events()).filter((type) => type === 'PhoneNumberUnavailable').length).toBe(before + 1);
      expect(await world().device.phoneQuota(appId)).toMatchObject({ charged, packages: [{ all: 3, used: 3 }] });
    } finally {
      await world().device.setPhoneQuota([{ all: 1000, source: 1 }], appId);
    }
  });
});
