// The legacy user-info payload (the getUserInfo button of 2018, getUserProfile before 2022-10):
// checked with the session_key of the same login, and read for the profile it carries.

import type { ProviderProfile, UserInfoPayload } from '../login-provider.js';
import { decryptOpenData, verifyRawDataSignature, type OpenData } from './open-data.js';

// Since 2022-10 WeChat answers this placeholder for everyone; it is not a profile.
const ANONYMOUS_NICKNAME = '微信用户';
const MAX_NICKNAME = 64;
const MAX_AVATAR_URL = 1024;

/** The profile in a decrypted payload, or undefined when it carries none worth keeping. */
export function profileOf(data: OpenData): ProviderProfile | undefined {
  const nickname = typeof data.nickName === 'string' ? data.nickName.trim() : '';
  if (nickname === '' || nickname === ANONYMOUS_NICKNAME || data['is_demote'] === true) return undefined;
  const avatarUrl = typeof data.avatarUrl === 'string' && data.avatarUrl.length <= MAX_AVATAR_URL ? data.avatarUrl.trim() : '';
  return { nickname: [...nickname].slice(0, MAX_NICKNAME).join(''), avatarUrl };
}

export interface OpenLegacyPayloadInput {
  appId: string;
  /** The openid of the session whose key is used: the payload must belong to that user. */
  openid: string;
  sessionKey: string;
  payload: UserInfoPayload;
}

/**
 * Decrypts (checking the watermark appid and the openId), then verifies the rawData signature
 * when the client sent one (older clients send the signature without rawData: nothing to check
 * it against then), and returns the profile. Throws OpenDataError otherwise.
 *
 * Decrypting first: a stale session_key then fails as -41003, which tells the client to resend
 * with a fresh code; a bad signature under the right key means rawData was tampered with.
 */
export function openLegacyPayload({ appId, openid, sessionKey, payload }: OpenLegacyPayloadInput): ProviderProfile | undefined {
  const data = decryptOpenData({ appId, sessionKey, encryptedData: payload.encryptedData, iv: payload.iv, openid });
  if (payload.rawData !== undefined && payload.signature !== undefined) {
    verifyRawDataSignature({ rawData: payload.rawData, sessionKey, signature: payload.signature });
  }
  return profileOf(data);
}
