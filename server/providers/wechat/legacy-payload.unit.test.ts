import { describe, expect, it } from 'vitest';
import { profileOf } from './legacy-payload.js';

const watermark = { appid: 'wx1234567890abcdef', timestamp: 1 };

describe('the profile in a legacy payload', () => {
  it('takes the nickname and avatar', () => {
    expect(profileOf({ watermark, nickName: ' Mei ', avatarUrl: 'https://a/m.png' })).toEqual({ nickname: 'Mei', avatarUrl: 'https://a/m.png' });
  });

  it("is none for WeChat's anonymous placeholder or a payload without a nickname", () => {
    expect(profileOf({ watermark, nickName: '微信用户', avatarUrl: 'https://a/grey.png' })).toBeUndefined();
    expect(profileOf({ watermark, nickName: 'Mei', avatarUrl: 'https://a/grey.png', is_demote: true })).toBeUndefined();
    expect(profileOf({ watermark, phoneNumber: '13800138000' })).toBeUndefined();
  });

  it('cuts an over-long nickname at 64 characters and drops an over-long avatar address', () => {
    const profile = profileOf({ watermark, nickName: '梅'.repeat(80), avatarUrl: `https://a/${'x'.repeat(2000)}` });
    expect(profile).toEqual({ nickname: '梅'.repeat(64), avatarUrl: '' });
  });
});
