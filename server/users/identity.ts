// A user's id and stream are derived from (appId, openid), so two server processes racing a
// first login write to the same stream, and expected-version concurrency lets one register.

import { createHash } from 'node:crypto';

/** A UUID (version 8: "custom", RFC 9562) hashed from the app and the openid. */
export function userIdFor(appId: string, openid: string): string {
  const hash = createHash('sha256').update(`miniauth.user\0${appId}\0${openid}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80; // version 8
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const USER_STREAM_PREFIX = 'user-';

export function userStreamId(userId: string): string {
  return `${USER_STREAM_PREFIX}${userId}`;
}
