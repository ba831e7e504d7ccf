// Reading the server's answers: a login grant, a user, or a typed failure. Lenient about
// extra fields, and about older backends that answer failures with HTTP 200 and `code: 0`.

import type { FailureReason, LoginFailure, LoginGrant, SessionUser } from '../machines/index.js';
import { MiniAuthError } from './errors.js';
import type { HttpResponse } from './ports.js';

type Body = Record<string, unknown>;

function bodyOf(response: HttpResponse): Body {
  return typeof response.data === 'object' && response.data !== null ? (response.data as Body) : {};
}

// The server names each WeChat condition in `error`; the machine's reason follows from that
// name alone. Without a name it knows (an older backend), the HTTP status decides (429 wait,
// 5xx retry later, other 4xx a person's call).
const ERROR_REASONS: Record<string, FailureReason> = {
  WECHAT_BUSY: 'busy',
  WECHAT_CODE_INVALID: 'badCode',
  LOGIN_CODE_INVALID: 'badCode',
  WECHAT_PHONE_CODE_INVALID: 'badCode',
  WECHAT_CODE_USED: 'codeUsed',
  WECHAT_PHONE_CODE_USED: 'codeUsed',
  WECHAT_RATE_LIMITED: 'rateLimited',
  WECHAT_USER_BLOCKED: 'blocked',
  // A payload that does not open with the session_key the server keeps: resend it once with a
  // fresh wx.login code.
  OPEN_DATA_SESSION_KEY_INVALID: 'decrypt',
  OPEN_DATA_SESSION_KEY_MISSING: 'decrypt',
  OPEN_DATA_IV_INVALID: 'decrypt',
  OPEN_DATA_MALFORMED: 'decrypt',
  OPEN_DATA_DECRYPT_FAILED: 'decrypt',
  OPEN_DATA_WATERMARK_MISMATCH: 'decrypt',
};

export function isLoginGoneAnswer(response: HttpResponse): boolean {
  return response.status === 401 || bodyOf(response)['code'] === -1;
}

function reasonOf(response: HttpResponse, body: Body): FailureReason {
  if (isLoginGoneAnswer(response)) return 'loginGone';
  const named = typeof body['error'] === 'string' ? ERROR_REASONS[body['error']] : undefined;
  if (named) return named;
  if (response.status === 429) return 'rateLimited';
  if (response.status >= 500 || response.status < 400) return 'server';
  return 'rejected';
}

export function failureFromAnswer(response: HttpResponse): MiniAuthError {
  const body = bodyOf(response);
  const name = typeof body['error'] === 'string' ? body['error'] : `HTTP_${response.status}`;
  const failure: LoginFailure = {
    reason: reasonOf(response, body),
    code: name,
    message: typeof body['message'] === 'string' ? body['message'] : `The server answered ${response.status}.`,
    status: response.status,
  };
  if (typeof body['errcode'] === 'number') failure.errcode = body['errcode'];
  const retryAfter = Number(body['retryAfterSeconds'] ?? response.header['retry-after']);
  if (retryAfter > 0) failure.retryAfterSeconds = retryAfter;
  return new MiniAuthError(failure);
}

/** A success in the mini program convention: 2xx, and no `code` other than 1. */
export function isSuccess(response: HttpResponse): boolean {
  const code = bodyOf(response)['code'];
  return response.ok && (code === undefined || code === 1);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function toUser(value: unknown): SessionUser {
  const user = (typeof value === 'object' && value !== null ? value : {}) as Body;
  const phone = text(user['phone']);
  return {
    id: String(user['id'] ?? user['userId'] ?? ''),
    nickname: text(user['nickname']),
    avatarUrl: text(user['avatarUrl']),
    phone,
    // Older backends say nothing of it: a number shown means one is bound.
    phoneBound: user['phoneBound'] === true || phone !== null,
  };
}

/** errno of the getPhoneNumber button when the app's paid quota is spent. */
export const PHONE_QUOTA_SPENT_ERRNO = 1400001;

/** What the server made of a report that the button handed out no number: an outcome, not a failure. */
export interface PhoneUnavailable {
  outcome: 'PHONE_QUOTA_SPENT';
  message: string;
  user: SessionUser | null;
}

/** The answer of POST /me/phone/unavailable; a refusal is a typed MiniAuthError like any other. */
export function phoneUnavailableFrom(response: HttpResponse): PhoneUnavailable {
  if (!isSuccess(response)) throw failureFromAnswer(response);
  const body = bodyOf(response);
  return {
    outcome: 'PHONE_QUOTA_SPENT',
    message: typeof body['message'] === 'string' ? body['message'] : '',
    user: body['user'] === undefined ? null : toUser(body['user']),
  };
}

/** expiresAt may come as epoch ms, epoch seconds or an ISO date. */
function toEpochMs(value: unknown, now: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return now + 3_600_000; // unknown: assume an hour; the server's 401 corrects it
}

export function toGrant(response: HttpResponse, now: number): LoginGrant {
  const body = bodyOf(response);
  if (!isSuccess(response) || typeof body['token'] !== 'string') throw failureFromAnswer(response);
  return {
    token: body['token'],
    expiresAt: toEpochMs(body['expiresAt'], now),
    user: toUser(body['user']),
    isNew: body['isNew'] === true,
  };
}

export function userFrom(response: HttpResponse): { user: SessionUser } {
  if (!isSuccess(response)) throw failureFromAnswer(response);
  return { user: toUser(bodyOf(response)['user']) };
}
