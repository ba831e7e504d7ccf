import { describe, expect, it } from 'vitest';
import { maskPhone, toUserView } from './user-view.js';

describe('the user as a client sees it', () => {
  it('masks the phone number, keeping the first three and the last four digits', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('4155550100')).toBe('415***0100');
    expect(maskPhone('123456')).toBe('****56');
  });

  it('says whether the profile is complete, and leaves out openid, unionid and token version', () => {
    const row = {
      id: 'u1', appId: 'wx1', openid: 'o-secret', unionid: 'un-secret', nickname: 'Mei', avatarUrl: null,
      phone: null, phoneCountryCode: null, tokenVersion: 3, createdAt: new Date('2025-01-02T03:04:05Z'),
      lastLoginAt: null, loginCount: 1, erasedAt: null, nicknameReview: null, avatarReview: null, avatarTraceId: null,
      consent: null, consentGuideVersion: null, consentAt: null,
      identities: [{ appId: 'wx1', openid: 'o-secret' }], unionidClaimed: true, phoneClaimed: false, mergedInto: null,
    };
    expect(toUserView(row)).toEqual({
      id: 'u1', nickname: 'Mei', avatarUrl: null, hasProfile: false, phone: null, phoneBound: false, pendingReview: [], createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(toUserView({ ...row, avatarUrl: 'https://a/b.png' }).hasProfile).toBe(true);
  });

  it('says a number is bound (the phone button is not shown again) and which fields await content review', () => {
    const row = {
      id: 'u1', appId: 'wx1', openid: 'o', unionid: null, nickname: 'Mei', avatarUrl: 'https://a/b.png',
      phone: '13800138000', phoneCountryCode: '86', tokenVersion: 0, createdAt: new Date('2025-01-02T03:04:05Z'),
      lastLoginAt: null, loginCount: 1, erasedAt: null, nicknameReview: 'deferred' as const, avatarReview: 'pending' as const,
      avatarTraceId: 'trace-1', consent: null, consentGuideVersion: null, consentAt: null,
      identities: [{ appId: 'wx1', openid: 'o-secret' }], unionidClaimed: true, phoneClaimed: false, mergedInto: null,
    };
    expect(toUserView(row)).toMatchObject({ phone: '138****8000', phoneBound: true, pendingReview: ['nickname', 'avatarUrl'] });
    expect(toUserView({ ...row, avatarReview: null, avatarTraceId: null }).pendingReview).toEqual(['nickname']);
  });
});
