// The vocabulary of the login statechart: what it remembers, what it hears, what its platform
// stubs take and give. Everything here is plain data so that a snapshot survives JSON.

/** Why a login step failed; each reason has its own retry policy in the machine. */
export type FailureReason =
  | 'busy' // WeChat errcode -1: back off, then a fresh attempt
  | 'rateLimited' // 45011 or HTTP 429: wait, no tight retry
  | 'badCode' // 40029: a fresh wx.login code
  | 'codeUsed' // 40163: a fresh wx.login code
  | 'blocked' // 40226, a high-risk user: never retried
  | 'network' // the request never got an answer
  | 'server' // 5xx or an answer we cannot read
  | 'wxLogin' // wx.login itself failed (errMsg kept)
  | 'decrypt' // -41003: the open-data payload did not decrypt
  | 'loginGone' // HTTP 401 / code -1: the token is no longer accepted
  | 'rejected' // any other refusal (bad input, configuration): a person may retry
  | 'denied' // the person declined a dialog (or the privacy guide); nothing was sent
  | 'configuration' // the operator must fix the app's setup (a data type missing from the privacy guide)
  | 'reloginCap'; // silent re-logins kept failing to produce an accepted token

/** A typed failure as the machine keeps it: serialisable, never holding a secret. */
export interface LoginFailure {
  reason: FailureReason;
  /** Stable UPPER_SNAKE code: the server's `error`, or one of ours (`WX_LOGIN_FAILED`, …). */
  code: string;
  message: string;
  /** HTTP status when a server answered. */
  status?: number;
  /** WeChat's errcode (server side) when the server passed it on. */
  errcode?: number;
  /** WeChat client-side error number and text (`wx.login:fail …`). */
  errno?: number;
  errMsg?: string;
  retryAfterSeconds?: number;
}

/** The signed-in person as the server describes them (phone masked). */
export interface SessionUser {
  id: string;
  nickname: string | null;
  avatarUrl: string | null;
  phone: string | null;
  /** A number is bound: the phone-number button is not shown again (each number is paid for). */
  phoneBound?: boolean;
}

/** What the login exchange (`POST /wx/login`) grants. */
export interface LoginGrant {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: SessionUser;
  isNew: boolean;
}

/** The page a shared card opened, kept while the person is sent to the login page. */
export interface DeepLink {
  path: string;
  query: Record<string, string>;
}

/** A profile the person agreed to share: the fill-in form, or WeChat's legacy encrypted payload. */
export type ConsentDraft =
  | { kind: 'profile'; nickname: string; avatarUrl: string }
  | { kind: 'wechat'; encryptedData: string; iv: string; signature?: string; rawData?: string };

/** The data a privacy-gated WeChat call hands out: a phone number, or the avatar and nickname. */
export type PrivacyScope = 'phone' | 'profile';

/** How a privacy-gated call failed before the person was asked anything by the app. */
export type PrivacyFailure =
  | 'refused' // errno 104: not agreed, or WeChat's own popup refused
  | 'inGap' // WeChat's own popup was refused less than 10 s ago: the call fails at once
  | 'undeclared'; // errno 112: the guide does not declare this data type (the operator's fix)

/** What wx.getPrivacySetting answers. */
export interface PrivacySetting {
  needAuthorization: boolean;
  privacyContractName?: string;
}

export interface LoginSettings {
  /** Whether a person must share a profile before counting as signed in. */
  profileRequired: boolean;
  /** Login-page mode: the page (`pages/login/index`) a signed-out launch is sent to; null = component mode. */
  loginPage: string | null;
  /** Silent re-logins allowed before a token is accepted again; past it callers get the error. */
  reloginCap: number;
  /** Automatic retries within one login run (fresh code, backoff, rate-limit wait). */
  maxRetries: number;
  /** First backoff; doubled on each retry. */
  backoffMs: number;
  /** Wait after a rate limit when the server names no Retry-After. */
  rateLimitWaitMs: number;
  /** A token this close to its expiry counts as expired (clock drift, request time). */
  expirySkewMs: number;
}

export const DEFAULT_LOGIN_SETTINGS: LoginSettings = {
  profileRequired: false,
  loginPage: null,
  reloginCap: 2,
  maxRetries: 2,
  backoffMs: 1000,
  rateLimitWaitMs: 60_000,
  expirySkewMs: 60_000,
};

export interface LoginContext {
  settings: LoginSettings;
  token: string | null;
  expiresAt: number | null;
  user: SessionUser | null;
  deepLink: DeepLink | null;
  /** Ids of requests waiting for a token; the client holds the requests themselves. */
  pendingRequests: string[];
  /** Automatic retries in the current login run. */
  retries: number;
  /** Silent re-logins since a token was last accepted by the server. */
  relogins: number;
  consent: ConsentDraft | null;
  /** Whether the consent payload was already resent once after a decrypt failure. */
  consentResent: boolean;
  /** A wx.login code obtained to resend the consent payload; used once, then dropped. */
  freshCode: string | null;
  /**
   * The privacy-gated call WeChat holds until the person answers the app's popup, by WeChat's
   * `referrer` (`button.getPhoneNumber`); the client holds its `resolve`. Null when none waits.
   */
  privacyRequest: string | null;
  /** The person agreed to the privacy guide on this install: a later "needs authorization" means the guide changed. */
  privacyAgreed: boolean;
  /** Data types WeChat said the guide does not declare (errno 112), each reported to the operator once. */
  undeclared: PrivacyScope[];
  /** Whether the last login registered the person (a first login, or after an erasure). */
  isNew: boolean;
  /** A phone code the button gave while a login was in flight: bound (once) when the session is back. */
  phoneCode: string | null;
  error: LoginFailure | null;
}

export interface LoginInput {
  settings?: Partial<LoginSettings>;
}

export type LoginEvent =
  | { type: 'LAUNCH'; path: string; query: Record<string, string>; now: number }
  | { type: 'LOGIN' }
  | { type: 'RETRY' }
  | { type: 'CONSENT'; draft: ConsentDraft }
  | { type: 'DENY' }
  | { type: 'BIND_PHONE'; code: string }
  | { type: 'LOGOUT' }
  | { type: 'LOGOUT_EVERYWHERE' }
  /** Erase the person's account on the server (DELETE /me), then sign out without logging in again. */
  | { type: 'ERASE' }
  | { type: 'SHOW'; now: number }
  | { type: 'QUEUE_REQUEST'; requestId: string }
  /** A request sent with `token` was answered "login gone"; `replayed` if it had been replayed already. */
  | { type: 'LOGIN_GONE'; requestId: string; token: string | null; replayed: boolean }
  /** A request sent with the current token was accepted: the re-login budget is refilled. */
  | { type: 'TOKEN_ACCEPTED' }
  /** A page is about to ask for privacy-gated data (the nickname input gets focus, say): check the guide first. */
  | { type: 'PRIVACY_CHECK' }
  /** WeChat holds a gated call until the person answers the app's popup (wx.onNeedPrivacyAuthorization). */
  | { type: 'PRIVACY_NEEDED'; referrer: string }
  /** The agree button (`open-type="agreePrivacyAuthorization"`) was tapped. */
  | { type: 'PRIVACY_AGREE'; buttonId: string }
  | { type: 'PRIVACY_REFUSE' }
  /** A gated call failed on privacy grounds without the app's popup (WeChat's own popup, or errno 112). */
  | { type: 'PRIVACY_FAILED'; scope: PrivacyScope; failure: PrivacyFailure; errno?: number; errMsg: string }
  /** The app went to the background (App.onHide). */
  | { type: 'HIDE' };

/** What the machine announces to pages (`actor.on('loggedIn', …)`). */
export type LoginEmitted = { type: 'loggedIn'; isNew: boolean };

export type LoginTag = 'signedIn' | 'busy' | 'needsConsent' | 'failed' | 'privacyPopup';

// Inputs and outputs of the platform actors the client provides.
export interface WxLoginOutput {
  code: string;
}
export interface ExchangeCodeInput {
  code: string;
}
export interface SubmitConsentInput {
  token: string | null;
  draft: ConsentDraft;
  /** A fresh wx.login code, sent only when resending after a decrypt failure. */
  code: string | null;
}
export interface BindPhoneInput {
  token: string | null;
  code: string;
}
export interface RevokeSessionsInput {
  token: string | null;
}
export interface UserOutput {
  user: SessionUser;
}
