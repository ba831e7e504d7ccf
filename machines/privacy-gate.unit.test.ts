import { describe, expect, it } from 'vitest';
import { alice, anonymous, effectTypes as allEffects, launchedPlatform, NOW, settle } from './testing/scripted-platform.js';
import type { Effect } from './testing/scripted-platform.js';

const GATE = new Set(['showPrivacyPopup', 'agreePrivacy', 'refusePrivacy', 'reportMisconfiguration', 'showFailure']);
/** The gate's platform actions (the launch's own are left out). */
const effectTypes = (effects: Effect[]) => allEffects(effects).filter((type) => GATE.has(type));

const phoneTap = { type: 'PRIVACY_NEEDED', referrer: 'button.getPhoneNumber' } as const;
const ERR_MSGS = {
  undeclared: { errno: 112, errMsg: 'getPhoneNumber:fail api scope is not declared in the privacy agreement' },
  refused: { errno: 104, errMsg: 'getPhoneNumber:fail privacy permission is not authorized' },
  inGap: { errMsg: 'getPhoneNumber:fail privacy permission is not authorized in gap' },
} as const;
const failed = (failure: 'refused' | 'inGap' | 'undeclared', scope: 'phone' | 'profile' = 'phone') =>
  ({ type: 'PRIVACY_FAILED', scope, failure, ...ERR_MSGS[failure] }) as const;

describe('the privacy gate before a phone number', () => {
  it('shows the popup for the pending call, and the agree tap lets it go on once', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send(phoneTap);
    const popup = actor.getSnapshot();
    expect(popup.value).toEqual({ session: { privacy: 'needed' } });
    expect(popup.hasTag('signedIn')).toBe(true);
    expect(popup.hasTag('privacyPopup')).toBe(true);
    expect(popup.context.privacyRequest).toBe('button.getPhoneNumber');
    expect(effectTypes(p.effects)).toEqual(['showPrivacyPopup']);

    actor.send({ type: 'PRIVACY_AGREE', buttonId: 'agree' });
    actor.send({ type: 'PRIVACY_AGREE', buttonId: 'agree' }); // a double tap
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(p.effects.filter((effect) => effect.type === 'agreePrivacy')).toEqual([{ type: 'agreePrivacy', ids: ['agree'] }]);
    expect(actor.getSnapshot().context.privacyAgreed).toBe(true);
    expect(actor.getSnapshot().context.privacyRequest).toBeNull();
  });

  it('a refusal fails the pending call, sends nothing, keeps the explanation, and a later tap asks again', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send(phoneTap);
    actor.send({ type: 'PRIVACY_REFUSE' });
    const after = actor.getSnapshot();
    expect(after.value).toEqual({ session: 'signedIn' });
    expect(after.context.error?.code).toBe('PRIVACY_REFUSED');
    expect(effectTypes(p.effects)).toEqual(['showPrivacyPopup', 'refusePrivacy']);
    expect(p.bindPhone.calls).toEqual([]);

    actor.send(phoneTap);
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'needed' } });
  });

  it("refusing WeChat's own popup: a tap within 10 s fails at once (in gap), after the gap the person may agree", async () => {
    const { p, actor } = await launchedPlatform();
    actor.send(failed('refused'));
    expect(actor.getSnapshot().context.error?.code).toBe('PRIVACY_REFUSED');
    actor.send(failed('inGap'));
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'inGap' } });
    expect(actor.getSnapshot().context.error?.code).toBe('PRIVACY_IN_GAP');
    actor.send(failed('inGap'));
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'inGap' } });
    p.clock.increment(10_000);
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    actor.send({ type: 'BIND_PHONE', code: 'phone-1' });
    expect(actor.getSnapshot().value).toEqual({ session: 'bindingPhone' });
  });

  it('errno 112 is a configuration failure, reported once, and the person is never asked', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send(failed('undeclared'));
    const after = actor.getSnapshot();
    expect(after.value).toEqual({ session: 'signedIn' });
    expect(after.context.error).toMatchObject({ reason: 'configuration', code: 'PRIVACY_SCOPE_UNDECLARED', errno: 112 });
    expect(after.context.undeclared).toEqual(['phone']);
    actor.send(failed('undeclared'));
    expect(p.effects.filter((effect) => effect.type === 'reportMisconfiguration')).toHaveLength(1);
    expect(effectTypes(p.effects)).not.toContain('showPrivacyPopup');
  });

  it('asks again when the guide has declared a new data type since the person agreed', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'PRIVACY_CHECK' });
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    p.checkPrivacy.succeed({ needAuthorization: true });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'needed' } });
    actor.send({ type: 'PRIVACY_AGREE', buttonId: 'agree' });
    actor.send({ type: 'PRIVACY_CHECK' });
    p.checkPrivacy.succeed({ needAuthorization: false });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    actor.send({ type: 'PRIVACY_CHECK' });
    p.checkPrivacy.succeed({ needAuthorization: true });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'neededAgain' } });
  });

  it('a base library without the privacy APIs skips the gate', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'PRIVACY_CHECK' });
    p.checkPrivacy.fail({ reason: 'server', code: 'PRIVACY_API_MISSING' });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(effectTypes(p.effects)).not.toContain('showPrivacyPopup');
  });

  it('the app going to the background keeps the popup and its pending call; back in front it shows again', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send(phoneTap);
    actor.send({ type: 'HIDE' });
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'away' } });
    actor.send({ type: 'SHOW', now: NOW + 60_000 });
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'needed' } });
    expect(effectTypes(p.effects)).toEqual(['showPrivacyPopup', 'showPrivacyPopup']);
    expect(actor.getSnapshot().context.privacyRequest).toBe('button.getPhoneNumber');
  });

  it('a phone tap during a re-login: the popup shows after it, and a phone code given meanwhile is bound once', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'LOGIN_GONE', requestId: 'r1', token: 't1', replayed: false });
    expect(actor.getSnapshot().value).toEqual({ reauthenticating: 'obtainingCode' });
    actor.send(phoneTap);
    actor.send({ type: 'BIND_PHONE', code: 'phone-1' });
    p.wxLogin.succeed({ code: 'c2' });
    p.exchangeCode.succeed({ token: 't2', expiresAt: NOW + 86_400_000, user: alice, isNew: false });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: { privacy: 'needed' } });
    actor.send({ type: 'PRIVACY_AGREE', buttonId: 'agree' });
    expect(actor.getSnapshot().value).toEqual({ session: 'bindingPhone' });
    expect(p.bindPhone.calls).toEqual([{ token: 't2', code: 'phone-1' }]);
    p.bindPhone.succeed({ user: { ...alice, phone: '139****5678' } });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(actor.getSnapshot().context.phoneCode).toBeNull();
  });
});

describe('the privacy gate before the profile a required login asks for', () => {
  it('keeps the box on while the popup is shown; agreeing comes back to the box', async () => {
    const { p, actor } = await launchedPlatform(anonymous, { settings: { profileRequired: true } });
    actor.send({ type: 'PRIVACY_NEEDED', referrer: 'button.chooseAvatar' });
    expect(actor.getSnapshot().value).toEqual({ session: { boxPrivacy: 'needed' } });
    expect(actor.getSnapshot().hasTag('needsConsent')).toBe(true);
    expect(actor.getSnapshot().hasTag('signedIn')).toBe(false);
    actor.send({ type: 'PRIVACY_AGREE', buttonId: 'agree' });
    expect(actor.getSnapshot().value).toEqual({ session: 'awaitingConsent' });
    expect(effectTypes(p.effects)).toEqual(['showPrivacyPopup', 'agreePrivacy']);
  });
});

describe('erasing the account', () => {
  it('signs out after DELETE /me and does not log in again', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'ERASE' });
    expect(actor.getSnapshot().hasTag('busy')).toBe(true);
    expect(p.eraseAccount.calls).toEqual([{ token: 't1' }]);
    p.eraseAccount.succeed(undefined);
    await settle();
    expect(actor.getSnapshot().value).toBe('signedOut');
    expect(actor.getSnapshot().context.user).toBeNull();
    expect(p.wxLogin.calls).toHaveLength(1);
  });

  it('a failed erase keeps the session and tells the person', async () => {
    const { p, actor } = await launchedPlatform();
    actor.send({ type: 'ERASE' });
    p.eraseAccount.fail({ reason: 'network', code: 'NETWORK' });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ session: 'signedIn' });
    expect(effectTypes(p.effects)).toContain('showFailure');
  });
});
