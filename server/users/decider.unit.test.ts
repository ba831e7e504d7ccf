import { describe, expect, it } from 'vitest';
import type { UserCommand } from './commands.js';
import { decide, stateFrom } from './decider.js';
import type { UserEvent } from './events.js';
import { userIdFor } from './identity.js';
import { LoginElsewhere, MergeNeeded, survivorOf } from './persons.js';

/** given(events).when(command).then(events) — or .thenFails(error) */
function given(history: UserEvent[]) {
  return {
    when(command: UserCommand) {
      const run = (): UserEvent[] => decide(command, stateFrom(history));
      return {
        then: (expected: UserEvent[]) => expect(run()).toEqual(expected),
        thenFails: (expected: { code: string }) => expect(run).toThrow(expect.objectContaining(expected)),
      };
    },
  };
}

const appId = 'wx-app-1';
const openid = 'o-openid-1';
const userId = userIdFor(appId, openid);
const t1 = new Date('2025-03-01T08:00:00.000Z');
const t2 = new Date('2025-03-02T09:30:00.000Z');
const at1 = t1.toISOString();
const at2 = t2.toISOString();

const registered: UserEvent = { type: 'UserRegistered', data: { userId, appId, openid, at: at1 } };
const loggedIn: UserEvent = { type: 'UserLoggedIn', data: { userId, at: at1 } };
const profiled: UserEvent = {
  type: 'ProfileUpdated',
  data: { userId, nickname: 'Mei', avatarUrl: 'https://a/mei.png', source: 'fill_in', at: at1 },
};
const erased: UserEvent = { type: 'UserErased', data: { userId, tokenVersion: 1, at: at1 } };

const logIn = (data: Partial<Extract<UserCommand, { type: 'LogIn' }>['data']> = {}): UserCommand => ({
  type: 'LogIn',
  data: { appId, openid, now: t2, ...data },
});

describe('LogIn: register or log in', () => {
  it('registers on the first login, then logs in', () => {
    given([])
      .when(logIn({ unionid: 'u-1', rid: 'rid-1' }))
      .then([
        { type: 'UserRegistered', data: { userId, appId, openid, unionid: 'u-1', unionidClaimed: true, at: at2 } },
        { type: 'UserLoggedIn', data: { userId, at: at2, rid: 'rid-1' } },
      ]);
  });

  it('keeps the profile of a legacy payload sent with the first login', () => {
    given([])
      .when(logIn({ profile: { nickname: ' Mei ', avatarUrl: 'https://a/mei.png' } }))
      .then([
        { type: 'UserRegistered', data: { userId, appId, openid, at: at2 } },
        {
          type: 'ProfileUpdated',
          data: { userId, nickname: 'Mei', avatarUrl: 'https://a/mei.png', source: 'wechat', at: at2 },
        },
        { type: 'UserLoggedIn', data: { userId, at: at2 } },
      ]);
  });

  it("ignores WeChat's anonymous placeholder profile instead of overwriting a real one", () => {
    given([registered, profiled, loggedIn])
      .when(logIn({ profile: { nickname: '微信用户', avatarUrl: 'https://a/grey.png' } }))
      .then([{ type: 'UserLoggedIn', data: { userId, at: at2 } }]);
  });

  it('logs a returning user in without registering again (reinstall, new phone)', () => {
    given([registered, profiled, loggedIn])
      .when(logIn({ profile: { nickname: 'Mei', avatarUrl: 'https://a/mei.png' } }))
      .then([{ type: 'UserLoggedIn', data: { userId, at: at2 } }]);
  });

  it('updates a changed profile and records a unionid WeChat sends for the first time', () => {
    given([registered, profiled, loggedIn])
      .when(logIn({ unionid: 'u-9', profile: { nickname: 'Mei Li', avatarUrl: 'https://a/mei.png' } }))
      .then([
        {
          type: 'ProfileUpdated',
          data: { userId, nickname: 'Mei Li', avatarUrl: 'https://a/mei.png', source: 'wechat', at: at2 },
        },
        { type: 'UserLoggedIn', data: { userId, at: at2, unionid: 'u-9', unionidClaimed: true } },
      ]);
    const withUnionid: UserEvent = { type: 'UserLoggedIn', data: { userId, at: at1, unionid: 'u-9', unionidClaimed: true } };
    given([registered, withUnionid])
      .when(logIn({ unionid: 'u-9' }))
      .then([{ type: 'UserLoggedIn', data: { userId, at: at2 } }]);
    // Recorded before unionids were claimed (migration 020): the next login claims it.
    const unclaimed: UserEvent = { type: 'UserLoggedIn', data: { userId, at: at1, unionid: 'u-9' } };
    given([registered, unclaimed])
      .when(logIn({ unionid: 'u-9' }))
      .then([{ type: 'UserLoggedIn', data: { userId, at: at2, unionid: 'u-9', unionidClaimed: true } }]);
  });

  it('registers an erased user afresh, keeping earlier tokens refused', () => {
    given([registered, loggedIn, erased])
      .when(logIn())
      .then([
        { type: 'UserRegistered', data: { userId, appId, openid, at: at2 } },
        { type: 'UserLoggedIn', data: { userId, at: at2 } },
      ]);
    const back = stateFrom([registered, erased, { type: 'UserRegistered', data: { userId, appId, openid, at: at2 } }]);
    expect(back).toMatchObject({ erasedAt: null, tokenVersion: 1, nickname: null });
  });

  it('carries the request id into every event', () => {
    const events = decide({ ...logIn(), metadata: { requestId: 'req-7' } }, stateFrom([]));
    expect(events.map((e) => e.metadata)).toEqual([{ requestId: 'req-7' }, { requestId: 'req-7' }]);
  });
});

describe('UpdateProfile', () => {
  const update = (nickname: string, avatarUrl = 'https://a/new.png'): UserCommand => ({
    type: 'UpdateProfile',
    data: { userId, nickname, avatarUrl, now: t2 },
  });

  it('records the filled-in nickname and avatar', () => {
    given([registered, loggedIn])
      .when(update('Mei'))
      .then([
        {
          type: 'ProfileUpdated',
          data: { userId, nickname: 'Mei', avatarUrl: 'https://a/new.png', source: 'fill_in', at: at2 },
        },
      ]);
  });

  it('changes nothing when the profile is the same', () => {
    given([registered, profiled]).when(update('Mei', 'https://a/mei.png')).then([]);
  });

  it('refuses an empty nickname, an unknown user and an erased user', () => {
    given([registered]).when(update('   ')).thenFails({ code: 'VALIDATION_FAILED' });
    given([]).when(update('Mei')).thenFails({ code: 'USER_NOT_FOUND' });
    given([registered, erased]).when(update('Mei')).thenFails({ code: 'USER_ERASED' });
  });
});

describe('BindPhone', () => {
  const bind = (phone: string): UserCommand => ({
    type: 'BindPhone',
    data: { userId, phone, countryCode: '86', now: t2 },
  });

  it('binds a phone number once', () => {
    const bound: UserEvent = { type: 'PhoneNumberBound', data: { userId, phone: '13800138000', countryCode: '86', claimed: true, at: at2 } };
    given([registered]).when(bind('13800138000')).then([bound]);
    given([registered, bound]).when(bind('13800138000')).then([]);
    given([registered, erased]).when(bind('13800138000')).thenFails({ code: 'USER_ERASED' });
  });
});

describe('RevokeSessions and EraseUser', () => {
  it('raises the token version on each revocation', () => {
    const revoked: UserEvent = { type: 'SessionsRevoked', data: { userId, tokenVersion: 1, at: at1 } };
    given([registered, revoked])
      .when({ type: 'RevokeSessions', data: { userId, now: t2 } })
      .then([{ type: 'SessionsRevoked', data: { userId, tokenVersion: 2, at: at2 } }]);
  });

  it('erases once, revoking tokens; erasing again changes nothing; an unknown user is refused', () => {
    const erase: UserCommand = { type: 'EraseUser', data: { userId, now: t2 } };
    given([registered, loggedIn]).when(erase).then([{ type: 'UserErased', data: { userId, tokenVersion: 1, at: at2 } }]);
    given([registered, erased]).when(erase).then([]);
    given([]).when(erase).thenFails({ code: 'USER_NOT_FOUND' });
    given([registered, erased])
      .when({ type: 'RevokeSessions', data: { userId, now: t2 } })
      .thenFails({ code: 'USER_ERASED' });
  });
});

describe('user ids', () => {
  it('are UUIDs derived from (appId, openid): the same for every process, distinct per app', () => {
    expect(userIdFor(appId, openid)).toBe(userId);
    expect(userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(userIdFor('wx-app-2', openid)).not.toBe(userId);
    expect(userIdFor(appId, 'o-openid-2')).not.toBe(userId);
  });
});

describe('content review of the profile', () => {
  const update = (review: Extract<UserCommand, { type: 'UpdateProfile' }>['data']['review'], nickname = 'Lan', avatarUrl = 'https://a/lan.png'): UserCommand => ({
    type: 'UpdateProfile',
    data: { userId, nickname, avatarUrl, review, now: t2 },
  });

  it('stores a nickname WeChat wants reviewed as pending, and an avatar as pending on its trace id', () => {
    given([registered, loggedIn])
      .when(update({ nickname: { kind: 'pending', check: 'msg_sec_check', suggest: 'review' }, avatarUrl: { kind: 'pending', check: 'media_check_async', traceId: 'tr-1' } }))
      .then([
        { type: 'ProfileUpdated', data: { userId, nickname: 'Lan', avatarUrl: 'https://a/lan.png', source: 'fill_in', at: at2 } },
        { type: 'ProfileReviewRequested', data: { userId, field: 'nickname', check: 'msg_sec_check', suggest: 'review', at: at2 } },
        { type: 'ProfileReviewRequested', data: { userId, field: 'avatarUrl', check: 'media_check_async', traceId: 'tr-1', at: at2 } },
      ]);
  });

  it('reviews only the fields that changed', () => {
    given([registered, profiled])
      .when(update({ nickname: { kind: 'passed', check: 'msg_sec_check' }, avatarUrl: { kind: 'pending', check: 'media_check_async', traceId: 'tr-2' } }, 'Mei'))
      .then([
        { type: 'ProfileUpdated', data: { userId, nickname: 'Mei', avatarUrl: 'https://a/lan.png', source: 'fill_in', at: at2 } },
        { type: 'ProfileReviewRequested', data: { userId, field: 'avatarUrl', check: 'media_check_async', traceId: 'tr-2', at: at2 } },
      ]);
    given([registered, profiled])
      .when(update({ nickname: { kind: 'passed', check: 'msg_sec_check', label: 100 } }, 'Lan', 'https://a/mei.png'))
      .then([
        { type: 'ProfileUpdated', data: { userId, nickname: 'Lan', avatarUrl: 'https://a/mei.png', source: 'fill_in', passedReview: ['nickname'], at: at2 } },
      ]);
  });

  const requested: UserEvent = { type: 'ProfileReviewRequested', data: { userId, field: 'avatarUrl', check: 'media_check_async', traceId: 'tr-1', at: at1 } };
  const verdict = (result: Extract<UserCommand, { type: 'RecordReview' }>['data']['result'], traceId = 'tr-1'): UserCommand => ({
    type: 'RecordReview',
    data: { userId, field: 'avatarUrl', checked: { traceId }, result, now: t2 },
  });

  it('a risky verdict removes the avatar; a pass keeps it; a verdict for another check changes nothing', () => {
    const history = [registered, profiled, requested];
    given(history)
      .when(verdict({ kind: 'refused', check: 'media_check_async', traceId: 'tr-1', label: 20002 }))
      .then([{ type: 'ProfileReviewRefused', data: { userId, field: 'avatarUrl', check: 'media_check_async', traceId: 'tr-1', label: 20002, at: at2 } }]);
    given(history).when(verdict({ kind: 'passed', check: 'media_check_async', traceId: 'tr-1' })).then([
      { type: 'ProfileReviewPassed', data: { userId, field: 'avatarUrl', check: 'media_check_async', traceId: 'tr-1', at: at2 } },
    ]);
    given(history).when(verdict({ kind: 'refused', check: 'media_check_async', traceId: 'tr-0' }, 'tr-0')).then([]);
    const refused = stateFrom([...history, { type: 'ProfileReviewRefused', data: { userId, field: 'avatarUrl', check: 'media_check_async', traceId: 'tr-1', at: at2 } }]);
    expect(refused).toMatchObject({ nickname: 'Mei', avatarUrl: null, avatarReview: null, avatarTraceId: null });
    // The same verdict pushed twice is applied once.
    given([...history, { type: 'ProfileReviewPassed', data: { userId, field: 'avatarUrl', check: 'media_check_async', traceId: 'tr-1', at: at2 } }])
      .when(verdict({ kind: 'passed', check: 'media_check_async', traceId: 'tr-1' }))
      .then([]);
  });

  it('a legacy payload nickname is deferred to after the login, and a deferred check applies only to the value checked', () => {
    given([])
      .when(logIn({ profile: { nickname: 'Mei', avatarUrl: 'https://a/mei.png' }, reviewProfile: true }))
      .then([
        { type: 'UserRegistered', data: { userId, appId, openid, at: at2 } },
        { type: 'ProfileUpdated', data: { userId, nickname: 'Mei', avatarUrl: 'https://a/mei.png', source: 'wechat', at: at2 } },
        { type: 'ProfileReviewDeferred', data: { userId, field: 'nickname', reason: 'with_login', at: at2 } },
        { type: 'UserLoggedIn', data: { userId, at: at2 } },
      ]);
    const deferred: UserEvent = { type: 'ProfileReviewDeferred', data: { userId, field: 'nickname', reason: 'not_visited', at: at1 } };
    const check = (value: string): UserCommand => ({
      type: 'RecordReview',
      data: { userId, field: 'nickname', checked: { value }, result: { kind: 'refused', check: 'msg_sec_check' }, now: t2 },
    });
    given([registered, profiled, deferred]).when(check('Mei')).then([
      { type: 'ProfileReviewRefused', data: { userId, field: 'nickname', check: 'msg_sec_check', at: at2 } },
    ]);
    given([registered, profiled, deferred]).when(check('Someone else')).then([]);
  });
});

describe('phone outcomes and consent', () => {
  it('records a code WeChat refused and the quota the phone found spent, changing nothing else', () => {
    given([registered]).when({ type: 'RecordPhoneFailure', data: { userId, error: 'WECHAT_PHONE_CODE_INVALID', errcode: 40029, now: t2 } }).then([
      { type: 'PhoneNumberNotBound', data: { userId, error: 'WECHAT_PHONE_CODE_INVALID', errcode: 40029, at: at2 } },
    ]);
    given([registered]).when({ type: 'ReportPhoneUnavailable', data: { userId, errno: 1400001, now: t2 } }).then([
      { type: 'PhoneNumberUnavailable', data: { userId, errno: 1400001, at: at2 } },
    ]);
  });

  it('records consent given and withdrawn with the guide version; the same answer twice once', () => {
    const consent = (decision: 'given' | 'refused' | 'withdrawn', guideVersion = '2025-05'): UserCommand => ({
      type: 'RecordConsent',
      data: { userId, decision, guideVersion, now: t2 },
    });
    const given1: UserEvent = { type: 'ConsentRecorded', data: { userId, decision: 'given', guideVersion: '2025-05', at: at1 } };
    given([registered]).when(consent('given')).then([{ type: 'ConsentRecorded', data: { userId, decision: 'given', guideVersion: '2025-05', at: at2 } }]);
    given([registered, given1]).when(consent('given')).then([]);
    given([registered, given1]).when(consent('withdrawn')).then([{ type: 'ConsentRecorded', data: { userId, decision: 'withdrawn', guideVersion: '2025-05', at: at2 } }]);
    given([registered, erased]).when(consent('given')).thenFails({ code: 'USER_ERASED' });
    expect(stateFrom([registered, given1])).toMatchObject({ consent: 'given', consentGuideVersion: '2025-05', consentAt: t1 });
  });
});

describe('one person across apps', () => {
  const otherApp = 'wx-app-2';
  const otherOpenid = 'o-openid-2';
  const otherId = userIdFor(otherApp, otherOpenid);
  const t0 = new Date('2025-02-01T00:00:00.000Z');
  const withUnionid: UserEvent = { type: 'UserRegistered', data: { userId, appId, openid, unionid: 'u-1', unionidClaimed: true, at: at1 } };
  const fromOtherApp = (data: Partial<Extract<UserCommand, { type: 'LogIn' }>['data']> = {}): UserCommand => ({
    type: 'LogIn',
    data: { appId: otherApp, openid: otherOpenid, unionid: 'u-1', now: t2, ...data },
  });

  it('links a first login from another app whose unionid is the person\'s, once', () => {
    const linked: UserEvent = { type: 'IdentityLinked', data: { userId, appId: otherApp, openid: otherOpenid, unionid: 'u-1', at: at2 } };
    given([withUnionid]).when(fromOtherApp({ resolved: { target: userId } })).then([linked, { type: 'UserLoggedIn', data: { userId, at: at2 } }]);
    given([withUnionid, linked]).when(fromOtherApp({ resolved: { target: userId } })).then([{ type: 'UserLoggedIn', data: { userId, at: at2 } }]);
    expect(stateFrom([withUnionid, linked])!.identities).toEqual([{ appId, openid }, { appId: otherApp, openid: otherOpenid }]);
  });

  it('sends a login elsewhere when its own stream cannot decide it', () => {
    // Another person, found with another unionid (a stale lookup), does not link it.
    expect(() => decide(fromOtherApp({ unionid: 'u-2', resolved: { target: userId } }), stateFrom([withUnionid]))).toThrow(LoginElsewhere);
    // A merged person logs in as the survivor.
    const merged: UserEvent = { type: 'UserMerged', data: { userId, into: otherId, tokenVersion: 1, at: at2 } };
    expect(() => decide(logIn(), stateFrom([withUnionid, merged]))).toThrow(LoginElsewhere);
  });

  it('asks for a merge when a late unionid belongs to another person', () => {
    let thrown: unknown;
    try {
      decide(logIn({ unionid: 'u-7', resolved: { target: userId, mergeWith: otherId } }), stateFrom([registered]));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MergeNeeded);
    expect((thrown as MergeNeeded).other).toBe(otherId);
  });

  it('leaves a unionid another person holds to them when this person holds a different one', () => {
    given([withUnionid])
      .when(logIn({ unionid: 'u-other', resolved: { target: userId, mergeWith: otherId } }))
      .then([{ type: 'UserLoggedIn', data: { userId, at: at2 } }]);
  });

  it('keeps the person registered first; the absorbed one fills gaps, keeps no personal field, and its tokens die', () => {
    const early = stateFrom([
      { type: 'UserRegistered', data: { userId: otherId, appId: otherApp, openid: otherOpenid, unionid: 'u-1', unionidClaimed: true, at: t0.toISOString() } },
      { type: 'PhoneNumberBound', data: { userId: otherId, phone: '13900000000', countryCode: '86', claimed: true, at: t0.toISOString() } },
    ])!;
    const late = stateFrom([registered, profiled, { type: 'PhoneNumberBound', data: { userId, phone: '13800138000', countryCode: '86', claimed: true, at: at1 } },
      { type: 'ConsentRecorded', data: { userId, decision: 'given', guideVersion: 'v2', at: at1 } }])!;
    const { survivor, absorbed } = survivorOf(late, early);
    expect([survivor.id, absorbed.id]).toEqual([otherId, userId]);
    // A tie goes to the smaller id.
    expect(survivorOf(late, { ...early, createdAt: late.createdAt }).survivor.id).toBe([userId, otherId].sort()[0]);

    const merged = decide({ type: 'MergeInto', data: { userId, into: otherId, now: t2 } }, late);
    expect(merged).toEqual([{ type: 'UserMerged', data: { userId, into: otherId, tokenVersion: 1, at: at2 } }]);
    const absorbedEvents = decide({ type: 'AbsorbPerson', data: { userId: otherId, absorbed: late, now: t2 } }, early);
    expect(absorbedEvents).toEqual([{
      type: 'PersonAbsorbed',
      data: {
        userId: otherId, absorbed: userId, identities: [{ appId, openid }], nickname: 'Mei', avatarUrl: 'https://a/mei.png',
        consent: { decision: 'given', guideVersion: 'v2', at: at1 }, at: at2,
      },
    }]);
    const after = stateFrom([
      { type: 'UserRegistered', data: { userId: otherId, appId: otherApp, openid: otherOpenid, unionid: 'u-1', unionidClaimed: true, at: t0.toISOString() } },
      { type: 'PhoneNumberBound', data: { userId: otherId, phone: '13900000000', countryCode: '86', claimed: true, at: t0.toISOString() } },
      ...absorbedEvents,
    ]);
    // The survivor keeps its own number; a gap in the profile is filled; the newer consent wins.
    expect(after).toMatchObject({ phone: '13900000000', nickname: 'Mei', consent: 'given', identities: [{ appId: otherApp, openid: otherOpenid }, { appId, openid }] });
    const gone = stateFrom([registered, profiled, ...merged])!;
    expect(gone).toMatchObject({ mergedInto: otherId, nickname: null, phone: null, identities: [], tokenVersion: 1 });
    expect(() => decide({ type: 'UpdateProfile', data: { userId, nickname: 'x', avatarUrl: 'y', now: t2 } }, gone)).toThrow(expect.objectContaining({ code: 'USER_NOT_FOUND' }));
  });

  it('moves the phone only to a survivor without one', () => {
    const bare = stateFrom([{ type: 'UserRegistered', data: { userId: otherId, appId: otherApp, openid: otherOpenid, at: '2025-01-01T00:00:00.000Z' } }])!;
    const withPhone = stateFrom([registered, { type: 'PhoneNumberBound', data: { userId, phone: '13800138000', countryCode: '86', claimed: true, at: at1 } }])!;
    const [event] = decide({ type: 'AbsorbPerson', data: { userId: otherId, absorbed: withPhone, now: t2 } }, bare);
    expect(event!.data).toMatchObject({ phone: '13800138000', countryCode: '86', phoneClaimed: true });
  });

  it('refuses a number another person holds, or asks for a merge when the policy allows and the unionids do not differ', () => {
    const bind = (holder: { userId: string; unionid: string | null }, conflict?: 'refuse' | 'merge'): UserCommand => ({
      type: 'BindPhone',
      data: { userId, phone: '13800138000', countryCode: '86', holder, ...(conflict ? { conflict } : {}), now: t2 },
    });
    given([withUnionid]).when(bind({ userId: otherId, unionid: null })).thenFails({ code: 'PHONE_NUMBER_TAKEN' });
    given([withUnionid]).when(bind({ userId: otherId, unionid: 'u-2' }, 'merge')).thenFails({ code: 'PHONE_NUMBER_TAKEN' });
    expect(() => decide(bind({ userId: otherId, unionid: null }, 'merge'), stateFrom([withUnionid]))).toThrow(MergeNeeded);
    // The holder is the person itself: bound again as usual.
    given([withUnionid]).when(bind({ userId, unionid: 'u-1' })).then([
      { type: 'PhoneNumberBound', data: { userId, phone: '13800138000', countryCode: '86', claimed: true, at: at2 } },
    ]);
  });
});
