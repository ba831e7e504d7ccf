// Typed failures for callers: a string `code`, the machine's `reason`, and WeChat's own
// errno/errMsg kept as they came, never flattened into `new Error(errMsg)`.

import type { FailureReason, LoginFailure } from '../machines/index.js';

export class MiniAuthError extends Error implements LoginFailure {
  // `declare`: no field initialisers to emit; the constructor sets what is present.
  declare readonly reason: FailureReason;
  declare readonly code: string;
  declare readonly status?: number;
  declare readonly errcode?: number;
  declare readonly errno?: number;
  declare readonly errMsg?: string;
  declare readonly retryAfterSeconds?: number;

  constructor(failure: LoginFailure) {
    super(failure.message);
    this.name = 'MiniAuthError';
    Object.assign(this, failure);
  }
}

export function isMiniAuthError(value: unknown): value is MiniAuthError {
  return value instanceof MiniAuthError
    || (typeof value === 'object' && value !== null
      && (value as { name?: unknown }).name === 'MiniAuthError'
      && typeof (value as { code?: unknown }).code === 'string');
}

/** WeChat's platform answer to a failed call: `{ errMsg: 'login:fail …', errno? }`. */
export interface WxFailure {
  errMsg?: string;
  errno?: number;
}

export function fromWxFailure(reason: FailureReason, code: string, message: string, fail: WxFailure): MiniAuthError {
  const failure: LoginFailure = { reason, code, message };
  if (typeof fail.errMsg === 'string') failure.errMsg = fail.errMsg;
  if (typeof fail.errno === 'number') failure.errno = fail.errno;
  return new MiniAuthError(failure);
}

/** A request whose login ended and could not be renewed for it (signed out, or replayed once already). */
export const LOGIN_ENDED: LoginFailure = {
  reason: 'loginGone',
  code: 'LOGIN_GONE',
  message: 'Your login has ended; sign in again.',
};
