// WeChat's errcodes as typed errors: a stable code and whether a retry can help (the answer's
// status comes from that code, in routes/error-answers.ts). WeChat's documented meanings: -1
// busy, 40029 bad code, 40163 code used, 45011 the minute quota, 40226 a high-risk user, and
// the credential errcodes; the rid in errmsg is kept for WeChat's support.

import { WeChatError } from './errors.js';

export type WeChatApi =
  | 'code2Session'
  | 'stableToken'
  | 'getPhoneNumber'
  | 'checkSessionKey'
  | 'msgSecCheck'
  | 'mediaCheckAsync'
  | 'chargeUsage';

/** The v2 security checks: the person has not opened the mini program in the last 2 hours. */
export const NOT_VISITED = 61010;

/** Our credentials or request were refused: an operator must look, retrying will not help. */
const MISCONFIGURED = new Set([40002, 40013, 40125, 40164, 40243, 41002, 41004, 43002, 47001]);
/** The access token was replaced or expired: fetch the current one and try once more. */
export const STALE_ACCESS_TOKEN = new Set([40001, 40014, 42001]);

/** WeChat's trace id from an errmsg such as "invalid code, rid: 668f2aa4-4c0c2e43-1b1f8a7e". */
export function parseRid(errmsg: unknown): string | undefined {
  if (typeof errmsg !== 'string') return undefined;
  return /\brid:\s*([\w-]+)/.exec(errmsg)?.[1];
}

/** Seconds until the next whole minute: WeChat's minute quota resets then. */
function secondsToNextMinute(nowMs: number): number {
  return Math.max(1, 60 - Math.floor((nowMs / 1000) % 60));
}

/** The typed error for a WeChat answer `{ errcode, errmsg }` with errcode ≠ 0. */
export function weChatErrorFor(api: WeChatApi, errcode: number, errmsg: unknown, nowMs: number): WeChatError {
  const rid = parseRid(errmsg);
  const base = { errcode, ...(rid === undefined ? {} : { rid }) };
  const phone = api === 'getPhoneNumber';
  switch (errcode) {
    case -1:
      return new WeChatError('WECHAT_BUSY', 'WeChat is busy; try again in a moment.', { ...base, retryable: true, retryAfterSeconds: 1 });
    case 40029:
    case 41008:
      return phone
        ? new WeChatError('WECHAT_PHONE_CODE_INVALID', 'The phone-number code is invalid or expired; ask the user to tap the button again.', base)
        : new WeChatError('WECHAT_CODE_INVALID', 'The login code is invalid or expired; get a fresh one with wx.login.', base);
    case 40163:
      return phone
        ? new WeChatError('WECHAT_PHONE_CODE_USED', 'The phone-number code was already used; ask the user to tap the button again.', base)
        : new WeChatError('WECHAT_CODE_USED', 'The login code was already used; get a fresh one with wx.login.', base);
    case 45011: {
      const wait = secondsToNextMinute(nowMs);
      return new WeChatError('WECHAT_RATE_LIMITED', `WeChat's per-minute quota is spent; try again in ${wait} s.`, { ...base, retryable: true, retryAfterSeconds: wait });
    }
    case 40226:
      return new WeChatError('WECHAT_USER_BLOCKED', 'WeChat blocked this login: the account is flagged as high-risk.', base);
    case NOT_VISITED:
      return new WeChatError('WECHAT_USER_NOT_VISITED', 'WeChat checks content only for people who opened the mini program in the last 2 hours; it is checked after their next login.', base);
    case 45009:
      return new WeChatError('WECHAT_DAILY_QUOTA_SPENT', "WeChat's daily quota for this call is spent; try again tomorrow.", { ...base, retryable: true });
  }
  if (MISCONFIGURED.has(errcode)) {
    return new WeChatError('WECHAT_MISCONFIGURED', `WeChat refused this server's credentials or request (errcode ${errcode}); the operator must check the configuration.`, base);
  }
  if (STALE_ACCESS_TOKEN.has(errcode)) {
    return new WeChatError('WECHAT_ACCESS_TOKEN_INVALID', 'WeChat rejected the access token; try again.', { ...base, retryable: true, retryAfterSeconds: 1 });
  }
  return new WeChatError('WECHAT_ERROR', `WeChat answered with an error (errcode ${errcode}).`, base);
}

export function weChatTimeout(): WeChatError {
  return new WeChatError('WECHAT_TIMEOUT', 'WeChat did not answer in time; try again.', { retryable: true, retryAfterSeconds: 1 });
}

/** The connection dropped, WeChat answered 5xx, or its body was not the JSON it should be. */
export function weChatUnavailable(): WeChatError {
  return new WeChatError('WECHAT_UNAVAILABLE', 'WeChat could not be reached; try again.', { retryable: true, retryAfterSeconds: 1 });
}
