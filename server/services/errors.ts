// Refusals of the application services, with stable codes.

import { AppError } from '../errors.js';

export type ServiceErrorCode =
  | 'PROFILE_ANONYMOUS'
  | 'CODE_OF_ANOTHER_USER'
  | 'OPEN_DATA_SESSION_KEY_MISSING'
  | 'NOT_OFFERED'
  | 'WECHAT_CODE_USED'
  | 'WECHAT_PHONE_CODE_USED'
  | 'NICKNAME_REFUSED'
  | 'MESSAGE_UNSIGNED'
  | 'MESSAGE_SIGNATURE_INVALID'
  | 'MESSAGE_STALE'
  | 'MESSAGE_REPLAYED'
  | 'MESSAGE_MALFORMED'
  | 'MESSAGE_ENDPOINT_OFF';

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

/** A phone-number code this server already sent to WeChat: a code is exchanged once, ever. */
export class PhoneCodeUsedError extends AppError<'WECHAT_PHONE_CODE_USED'> {
  constructor() {
    super('WECHAT_PHONE_CODE_USED', 'The phone-number code was already used; ask the user to tap the button again.', { errcode: 40163 });
  }
}

/** The content review found the nickname risky: nothing was stored; the page asks for another. */
export class NicknameRefusedError extends AppError<'NICKNAME_REFUSED'> {
  readonly label: number;
  constructor(label: number) {
    super('NICKNAME_REFUSED', 'This nickname cannot be used; choose another one.', { field: 'nickname' });
    this.label = label;
  }
}

export type MessageRefusal = 'MESSAGE_UNSIGNED' | 'MESSAGE_SIGNATURE_INVALID' | 'MESSAGE_STALE' | 'MESSAGE_REPLAYED' | 'MESSAGE_MALFORMED' | 'MESSAGE_ENDPOINT_OFF';

const MESSAGE_TEXTS: Record<MessageRefusal, string> = {
  MESSAGE_UNSIGNED: 'The message carries no signature, timestamp and nonce.',
  MESSAGE_SIGNATURE_INVALID: 'The message signature does not verify.',
  MESSAGE_STALE: 'The message timestamp is too far from now.',
  MESSAGE_REPLAYED: 'This message was received already.',
  MESSAGE_MALFORMED: 'The message body is not a push this endpoint reads.',
  MESSAGE_ENDPOINT_OFF: 'This server takes no pushed messages: no message token is configured.',
};

/** A push to the message endpoint that is not WeChat's, or not new: nothing changes. */
export class MessageRefusedError extends AppError<MessageRefusal> {
  constructor(code: MessageRefusal) {
    super(code, MESSAGE_TEXTS[code]);
  }
}
