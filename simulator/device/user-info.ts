import { encryptOpenData, signRawData } from '../open-data.js';
import type { SimUser } from '../users.js';

/**
 * The legacy user-info payload (`getUserInfo`, and `getUserProfile` before 2022-10) built the
 * way WeChat builds it: `rawData` is the userInfo JSON, `signature = sha1(rawData + session_key)`,
 * and `encryptedData` holds the same fields plus openId, unionId and a watermark.
 */

/** The grey avatar WeChat has answered since 2022-10 instead of the real one. */
export const GREY_AVATAR_URL =
  'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132';

export interface WxUserInfo {
  nickName: string;
  gender: 0 | 1 | 2;
  language: string;
  city: string;
  province: string;
  country: string;
  avatarUrl: string;
  is_demote?: boolean;
}

export interface UserInfoPayload {
  userInfo: WxUserInfo;
  rawData: string;
  signature: string;
  encryptedData: string;
  iv: string;
}

export function userInfoPayload(user: SimUser, nowMs: number, anonymous = false): UserInfoPayload {
  // City, province and country have been empty strings since 2021-04.
  const place = { city: '', province: '', country: '' };
  const userInfo: WxUserInfo = anonymous
    ? { nickName: '微信用户', gender: 0, language: '', ...place, avatarUrl: GREY_AVATAR_URL, is_demote: true }
    : { nickName: user.nickname, gender: user.gender, language: 'zh_CN', ...place, avatarUrl: user.avatarUrl };
  const rawData = JSON.stringify(userInfo);
  const plaintext = {
    openId: user.openid,
    ...userInfo,
    ...(user.unionid === null ? {} : { unionId: user.unionid }),
    watermark: { timestamp: Math.floor(nowMs / 1000), appid: user.appId },
  };
  return { userInfo, rawData, signature: signRawData(rawData, user.sessionKey), ...encryptOpenData(plaintext, user.sessionKey) };
}
