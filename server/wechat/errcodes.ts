// WeChat's errcodes as typed errors: HTTP status, a stable `error`, and whether a retry can
// help. The table follows ../../../shared/WECHAT.md; the rid in errmsg is kept for support.

import { WeChatError } from '../errors.js';

export type WeChatApi = 'code2Session' | 'stableToken' | 'getPhoneNumber' | 'checkSessionKey';

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
      return new WeChatError({ ...base, statusCode: 503, error: 'WECHAT_BUSY', message: 'WeChat is busy; try again in a moment.', retryable: true, retryAfterSeconds: 1 });
    case 40029:
    case 41008:
      return phone
        ? new WeChatError({ ...base, statusCode: 400, error: 'WECHAT_PHONE_CODE_INVALID', message: 'The phone-number code is invalid or expired; ask the user to tap the button again.' })
        : new WeChatError({ ...base, statusCode: 400, error: 'WECHAT_CODE_INVALID', message: 'The login code is invalid or expired; get a fresh one with wx.login.' });
    case 40163:
      return phone
        ? new WeChatError({ ...base, statusCode: 400, error: 'WECHAT_PHONE_CODE_USED', message: 'The phone-number code was already used; ask the user to tap the button again.' })
        : new WeChatError({ ...base, statusCode: 400, error: 'WECHAT_CODE_USED', message: 'The login code was already used; get a fresh one with wx.login.' });
    case 45011: {
      const wait = secondsToNextMinute(nowMs);
      return new WeChatError({ ...base, statusCode: 429, error: 'WECHAT_RATE_LIMITED', message: `WeChat's per-minute quota is spent; try again in ${wait} s.`, retryable: true, retryAfterSeconds: wait });
    }
    case 40226:
      return new WeChatError({ ...base, statusCode: 403, error: 'WECHAT_USER_BLOCKED', message: 'WeChat blocked this login: the account is flagged as high-risk.' });
  }
  if (MISCONFIGURED.has(errcode)) {
    return new WeChatError({ ...base, statusCode: 502, error: 'WECHAT_MISCONFIGURED', message: `WeChat refused this server's credentials or request (errcode ${errcode}); the operator must check the configuration.` });
  }
  if (STALE_ACCESS_TOKEN.has(errcode)) {
    return new WeChatError({ ...base, statusCode: 502, error: 'WECHAT_ACCESS_TOKEN_INVALID', message: 'WeChat rejected the access token; try again.', retryable: true, retryAfterSeconds: 1 });
  }
  return new WeChatError({ ...base, statusCode: 502, error: 'WECHAT_ERROR', message: `WeChat answered with an error (errcode ${errcode}).` });
}

export function weChatTimeout(): WeChatError {
  return new WeChatError({ statusCode: 504, error: 'WECHAT_TIMEOUT', message: 'WeChat did not answer in time; try again.', retryable: true, retryAfterSeconds: 1 });
}

/** The connection dropped, WeChat answered 5xx, or its body was not the JSON it should be. */
export function weChatUnavailable(): WeChatError {
  return new WeChatError({ statusCode: 502, error: 'WECHAT_UNAVAILABLE', message: 'WeChat could not be reached; try again.', retryable: true, retryAfterSeconds: 1 });
}
