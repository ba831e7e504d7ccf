// The login-provider port: a mini program platform's one-time login code in, the person's
// identity in that app out. WeChat is the first adapter (./wechat/wechat-provider.ts); Alipay's
// and Douyin's mini programs work the same way (a code from the phone, exchanged server-side
// for an app-scoped user id and a session secret), so each would be one more adapter.

import { AppError } from '../errors.js';

/** Who the code belongs to, as the provider says. */
export interface ProviderIdentity {
  /** The provider's name, e.g. `wechat`. */
  provider: string;
  appId: string;
  /** The provider's id of the person in this app (WeChat's openid). */
  openid: string;
  /** The provider's id of the person across the operator's apps, when it gives one. */
  unionid?: string;
  /** Kept server-side only (WeChat's session_key): never in an answer, a log line or an event. */
  sessionSecret?: string;
}

/** A profile read from a provider's signed or encrypted user-info payload. */
export interface ProviderProfile {
  nickname: string;
  avatarUrl: string;
}

/** The legacy user-info payload a phone may send with its login (WeChat's open data). */
export interface UserInfoPayload {
  encryptedData: string;
  iv: string;
  signature?: string | undefined;
  rawData?: string | undefined;
}

export interface LoginProvider {
  readonly name: string;
  /** The apps this provider logs people into; an app id belongs to one provider only. */
  readonly appIds: readonly string[];
  /** Exchanges a login code; throws a typed error (the provider's codes) when it is refused. */
  exchange(appId: string, code: string): Promise<ProviderIdentity>;
  /**
   * The profile in a user-info payload, checked with the session secret of the same login (it
   * throws when the payload does not verify); undefined when it carries none worth keeping.
   * Absent: this provider has no such payload.
   */
  readProfile?(identity: ProviderIdentity, payload: UserInfoPayload): ProviderProfile | undefined;
  /** The phone number behind a phone-number button's code; absent: not offered. */
  phoneNumber?(appId: string, phoneCode: string): Promise<{ phone: string; countryCode: string }>;
  /** The platform's content review of a profile text, at once; absent: not offered. */
  reviewText?(appId: string, openid: string, text: string): Promise<ContentReviewAnswer>;
  /** Submits a profile image URL for review; the verdict arrives later with the trace id. */
  reviewImage?(appId: string, openid: string, url: string): Promise<ImageReviewAnswer>;
  /** What is left of the app's paid phone-number quota; absent: numbers are not metered. */
  phoneQuota?(appId: string): Promise<PhoneQuota>;
}

/** A text's verdict, or `not_visited`: the platform checks only people who used the app lately. */
export type ContentReviewAnswer =
  | { kind: 'verdict'; suggest: 'pass' | 'review' | 'risky'; label: number; traceId?: string }
  | { kind: 'not_visited' };

export type ImageReviewAnswer = { kind: 'submitted'; traceId: string } | { kind: 'not_visited' };

export interface PhoneQuotaPackage {
  id: string;
  status: 'active' | 'not_started' | 'expired';
  all: number;
  used: number;
  /** Seconds since the epoch. */
  startTime: number;
  endTime: number;
  /** How it was obtained (the free trial, a purchase), in the platform's words. */
  source: number | string;
}

export interface PhoneQuota {
  all: number;
  used: number;
  /** What the active packages still hold. */
  left: number;
  packages: PhoneQuotaPackage[];
}

/** The server is not configured for this app. */
export class AppUnknownError extends AppError<'APP_UNKNOWN'> {
  constructor(appId?: string, field?: string) {
    super('APP_UNKNOWN', appId === undefined ? 'This server is not configured for that app.' : `This server is not configured for app ${appId}.`, field ? { field } : {});
  }
}

/**
 * The provider refused the login code (expired, used, or of another app): the client gets a
 * fresh one. For providers without codes of their own; WeChat's are more precise (./wechat).
 */
export class LoginCodeInvalidError extends AppError<'LOGIN_CODE_INVALID'> {
  constructor(provider: string, details?: { errcode?: number; rid?: string }) {
    super('LOGIN_CODE_INVALID', `${provider} refused the login code; get a fresh one.`, details ?? {});
  }
}
