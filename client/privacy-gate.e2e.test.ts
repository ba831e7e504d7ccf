// Today's WeChat end to end (scenario 10 and the fixes found as a new user): the privacy gate
// before a phone number, nickname review, a reinstall that is the same WeChat user, `isNew`,
// erasure, a risk-blocked person. The SDK's public API only, in the simulator's phone, against
// the real server and PostgreSQL.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../testing/manual-clock.js';
import type { LoginFailure } from '../machines/index.js';
import type { Phone, PhoneOptions, World } from './testing/e2e-world.js';
import { eventually, startWorld } from './testing/e2e-world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const sentTo = (phone: Phone, path: string) => phone.runtime.sim.requests.filter((r) => new URL(r.url).pathname === path);

async function signedInPhone(options: PhoneOptions = {}): Promise<Phone> {
  const phone = world.phone(options);
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index', scene: 1001 }));
  await eventually(() => phone.auth.getView().signedIn, 'signed in');
  return phone;
}

/** The page's phone button: its detail goes to the SDK once WeChat lets the tap through. */
function tapPhone(phone: Phone): Promise<void> {
  return phone.runtime.sim.tapGetPhoneNumber().then((event) => phone.auth.bindPhone(event.detail));
}

const notAgreed = { privacy: { guideVersion: 1, agreedVersion: 0 } };

describe('the privacy gate before the first phone binding, with the app\'s own popup', () => {
  it('agree: the popup is shown and reported, the held tap goes on once, the number is bound', async () => {
    const phone = await signedInPhone({ privacy: 'popup', device: notAgreed });
    const tapped = tapPhone(phone);
    await eventually(() => phone.auth.getView().privacy.popup, 'the popup');
    expect(phone.runtime.sim.privacyExposures()).toBe(1);
    expect(sentTo(phone, '/me/phone')).toHaveLength(0);

    const agree = phone.runtime.sim.tapAgreePrivacy('agree');
    phone.auth.agreePrivacy(agree);
    phone.auth.agreePrivacy(agree); // a double tap
    await tapped;
    await eventually(() => phone.auth.getView().user?.phone !== null, 'the phone bound');
    expect(sentTo(phone, '/me/phone')).toHaveLength(1);
    expect(phone.auth.getView().privacy.popup).toBe(false);
    expect(phone.runtime.sim.privacy.agreedVersion).toBe(1);
  });

  it('refuse: nothing is sent, no phone code is issued, the explanation stays; a later tap asks again', async () => {
    const phone = await signedInPhone({ privacy: 'popup', device: notAgreed });
    const tapped = tapPhone(phone);
    await eventually(() => phone.auth.getView().privacy.popup, 'the popup');
    phone.auth.refusePrivacy();
    await tapped;
    const view = phone.auth.getView();
    expect(view.signedIn).toBe(true);
    expect(view.error?.code).toBe('PRIVACY_REFUSED');
    expect(sentTo(phone, '/me/phone')).toHaveLength(0);
    expect(phone.runtime.sim.privacyRecords.at(-1)).toMatchObject({ api: 'getPhoneNumber', popup: 'app', outcome: 'refused' });

    void tapPhone(phone);
    await eventually(() => phone.auth.getView().privacy.popup, 'the popup again');
  });

  it('a guide that declares a new data type asks again, and says so', async () => {
    const phone = await signedInPhone({ privacy: 'popup', device: notAgreed });
    phone.auth.requirePrivacy();
    await eventually(() => phone.auth.getView().privacy.popup, 'the popup');
    phone.auth.agreePrivacy(phone.runtime.sim.tapAgreePrivacy('agree'));
    await eventually(() => !phone.auth.getView().privacy.popup, 'agreed');

    phone.runtime.sim.setPrivacy({ guideVersion: 2 });
    phone.auth.requirePrivacy();
    await eventually(() => phone.auth.getView().privacy.popup, 'asked again');
    expect(phone.auth.getView().privacy.again).toBe(true);
  });

  it('errno 112: a configuration failure reported once, the page told, the person never asked', async () => {
    const reported: LoginFailure[] = [];
    const phone = await signedInPhone({
      privacy: 'popup', device: { privacy: { undeclared: ['getPhoneNumber'] } }, onMisconfiguration: (failure) => reported.push(failure),
    });
    await tapPhone(phone);
    await tapPhone(phone);
    const view = phone.auth.getView();
    expect(reported.map((failure) => failure.code)).toEqual(['PRIVACY_SCOPE_UNDECLARED']);
    expect(view.error).toMatchObject({ reason: 'configuration', code: 'PRIVACY_SCOPE_UNDECLARED' });
    expect(view.privacy.undeclared).toEqual(['phone']);
    expect(phone.runtime.sim.privacyExposures()).toBe(0);
    expect(sentTo(phone, '/me/phone')).toHaveLength(0);
  });
});

describe("WeChat's own popup (no app popup)", () => {
  it('refused: nothing sent; a tap within 10 s fails at once (in gap); after the gap agreeing works', async () => {
    let deviceNow = 1_900_000_000_000;
    const clock = manualClock(() => Date.now());
    const phone = await signedInPhone({ clock, device: { clock: () => deviceNow, privacy: { ...notAgreed.privacy, wechatPopup: 'refuse' } } });
    await tapPhone(phone);
    expect(phone.auth.getView().error?.code).toBe('PRIVACY_REFUSED');

    deviceNow += 3_000;
    await tapPhone(phone);
    expect(phone.auth.getView().privacy.inGap).toBe(true);
    expect(phone.runtime.sim.privacyRecords.at(-1)).toMatchObject({ outcome: 'inGap', popup: 'none' });
    expect(sentTo(phone, '/me/phone')).toHaveLength(0);

    deviceNow += 10_000;
    clock.fire(); // the SDK's 10 s gap timer
    expect(phone.auth.getView().privacy.inGap).toBe(false);
    phone.runtime.sim.setPrivacy({ wechatPopup: 'agree' });
    await tapPhone(phone);
    await eventually(() => phone.auth.getView().user?.phone !== null, 'the phone bound');
    expect(sentTo(phone, '/me/phone')).toHaveLength(1);
  });
});

describe('nickname review (base library 2.24.4+)', () => {
  it('pass keeps the nickname, reject clears it on blur, timeout keeps it unreviewed', async () => {
    const phone = world.phone();
    phone.runtime.sim.decide({ nicknameReview: 'pass' });
    expect(await phone.runtime.sim.typeNickname('Ada')).toEqual({ value: 'Ada', review: { pass: true, timeout: false } });
    phone.runtime.sim.decide({ nicknameReview: 'reject' });
    expect(await phone.runtime.sim.typeNickname('Ada')).toEqual({ value: '', review: { pass: false, timeout: false } });
    phone.runtime.sim.decide({ nicknameReview: 'timeout' });
    expect(await phone.runtime.sim.typeNickname('Ada')).toEqual({ value: 'Ada', review: { pass: false, timeout: true } });
  });
});

describe('as a new user tries it', () => {
  it('a reinstall is the same WeChat user: no new registration; isNew says which login registered', async () => {
    const logins: boolean[] = [];
    const first = world.phone();
    first.auth.onLogin(({ isNew }) => logins.push(isNew));
    first.auth.start(first.runtime.sim.launch({ path: 'pages/index/index' }));
    await eventually(() => first.auth.getView().signedIn, 'signed in');
    expect(first.auth.getView().isNew).toBe(true);
    expect(logins).toEqual([true]);
    const openid = (await first.runtime.sim.user()).openid;
    first.auth.stop();

    const before = await world.events();
    const again = world.phone({ storage: first.storage.afterReinstall() });
    again.auth.start(again.runtime.sim.launch({ path: 'pages/index/index' }));
    await eventually(() => again.auth.getView().signedIn, 'signed in again');
    expect((await again.runtime.sim.user()).openid).toBe(openid);
    expect(again.auth.getView().isNew).toBe(false);
    expect((await world.events()).slice(before.length)).toEqual(['UserLoggedIn']);
  });

  it('erase leaves no account behind and does not log in again', async () => {
    const phone = await signedInPhone();
    phone.auth.erase();
    await eventually(() => phone.auth.getView().signedOut, 'signed out');
    const view = phone.auth.getView();
    expect(view.user).toBeNull();
    expect(JSON.stringify(phone.storage.toJSON())).not.toContain('"user":{');
    const { rows } = await world.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE type = 'UserErased'",
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    await phone.auth.request({ url: '/healthz' });
    expect(phone.runtime.sim.logins).toHaveLength(1);
  });

  it('a risk-blocked person is told so, without a dead "try again"', async () => {
    await world.device.fault({ api: 'jscode2session', errcode: 40226 });
    const phone = world.phone();
    phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
    await eventually(() => phone.auth.getView().failed, 'failed');
    const view = phone.auth.getView();
    expect(view.blocked).toBe(true);
    expect(view.error?.reason).toBe('blocked');
    phone.auth.retry();
    expect(phone.auth.getView().blocked).toBe(true);
    await world.device.clearFaults();
  });
});
