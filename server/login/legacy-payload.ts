// The legacy user-info payload (the seed's getUserInfo button, getUserProfile before 2022-10):
// checked with the session_key of the same login, and read for the profile it carries.

import { decryptOpenData, verifyRawDataSignature, type OpenData } from '../crypto/index.js';
import { AppError } from '../errors.js';
import type { Profile } from '../users/index.js';

export interface LegacyPayload {
  encryptedData: string;
  iv: string;
  signature?: string | undefined;
  rawData?: string | undefined;
}

// Since 2022-10 WeChat answers this placeholder for everyone; it is not a profile.
const ANONYMOUS_NICKNAME = '微信用户';
const MAX_NICKNAME = 64;
const MAX_AVATAR_URL = 1024;

/** The profile in a decrypted payload, or undefined when it carries none worth keeping. */
export function profileOf(data: OpenData): Profile | undefined {
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
  payload: LegacyPayload;
}

/**
 * Decrypts (checking the watermark appid and the openId), then verifies the rawData signature
 * when the client sent one (the seed sends the signature without rawData: nothing to check it
 * against then), and returns the profile. Throws OpenDataError (400) otherwise.
 *
 * Decrypting first: a stale session_key then fails as -41003, which tells the client to resend
 * with a fresh code; a bad signature under the right key means rawData was tampered with.
 */
export function openLegacyPayload({ appId, openid, sessionKey, payload }: OpenLegacyPayloadInput): Profile | undefined {
  const data = decryptOpenData({ appId, sessionKey, encryptedData: payload.encryptedData, iv: payload.iv, openid });
  if (payload.rawData !== undefined && payload.signature !== undefined) {
    verifyRawDataSignature({ rawData: payload.rawData, sessionKey, signature: payload.signature });
  }
  return profileOf(data);
}

/** 422: the payload decrypted but holds only WeChat's anonymous placeholder. */
export class AnonymousProfileError extends AppError {
  constructor() {
    super({
      statusCode: 422,
      error: 'PROFILE_ANONYMOUS',
      message: 'WeChat gave only its anonymous placeholder profile; ask for the avatar and nickname with the fill-in buttons.',
    });
  }
}
