// Refusals of the application services, with stable codes.

import { AppError } from '../errors.js';

export type ServiceErrorCode =
  | 'PROFILE_ANONYMOUS'
  | 'CODE_OF_ANOTHER_USER'
  | 'OPEN_DATA_SESSION_KEY_MISSING'
  | 'NOT_OFFERED'
  | 'WECHAT_CODE_USED';

/** The payload verified but holds only WeChat's anonymous placeholder profile. */
export class AnonymousProfileError extends AppError<'PROFILE_ANONYMOUS'> {
  constructor() {
    super('PROFILE_ANONYMOUS', 'WeChat gave only its anonymous placeholder profile; ask for the avatar and nickname with the fill-in buttons.');
  }
}

/** A fresh login code sent with a payload belongs to someone else than the signed-in user. */
export class CodeOfAnotherUserError extends AppError<'CODE_OF_ANOTHER_USER'> {
  constructor() {
    super('CODE_OF_ANOTHER_USER', 'The login code belongs to another WeChat user.');
  }
}

/** No session secret is kept for the user (never logged in on this server since it was kept). */
export class SessionSecretMissingError extends AppError<'OPEN_DATA_SESSION_KEY_MISSING'> {
  constructor() {
    super('OPEN_DATA_SESSION_KEY_MISSING', 'No session key is kept for this user; resend the payload with a fresh wx.login code.', { errcode: -41001 });
  }
}

/** The user's login provider does not offer this (a payload it has no such thing as, a phone number). */
export class NotOfferedError extends AppError<'NOT_OFFERED'> {
  constructor(what: string, provider: string) {
    super('NOT_OFFERED', `${what} is not offered by ${provider}.`);
  }
}

/**
 * A login code that was used already (or whose first login was undone since): the client gets a
 * fresh one. Named as WeChat names its own answer (errcode 40163), which clients already know.
 */
export class CodeUsedError extends AppError<'WECHAT_CODE_USED'> {
  constructor() {
    super('WECHAT_CODE_USED', 'The login code was already used; get a fresh one with wx.login.', { errcode: 40163 });
  }
}
