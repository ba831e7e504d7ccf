// The SDK's options, merged once with their defaults.

import type { MaskedInspector } from './inspect/masked.js';
import type { LoginFailure, LoginSettings } from '../machines/index.js';
import { DEFAULT_LOGIN_SETTINGS } from '../machines/index.js';
import { isLoginGoneAnswer } from './answers.js';
import type { HttpResponse, Platform } from './ports.js';

export interface RetryPolicy {
  /** Automatic retries within one login run (fresh code, backoff, rate-limit wait). */
  maxRetries?: number;
  backoffMs?: number;
  rateLimitWaitMs?: number;
}

export interface MiniAuthOptions {
  /** The miniauth server, e.g. `https://api.example.com`. */
  baseURL: string;
  platform: Platform;
  /** `'required'`: a person counts as signed in only after sharing a profile. */
  profile?: 'none' | 'required';
  /** Login-page mode: where a signed-out launch is sent (`/pages/login/index`). */
  loginPage?: string | null;
  /** Whether an API answer means the login is gone. Default: HTTP 401 or a body `code === -1`. */
  isLoginGone?: (response: HttpResponse) => boolean;
  /** Silent re-logins allowed before callers get the error. */
  reloginCap?: number;
  retry?: RetryPolicy;
  /**
   * An XState inspector (the Stately inspector's `inspect`, a logger), wrapped in
   * `maskingInspector` so that it sees tokens and codes masked; any other is refused.
   */
  inspect?: MaskedInspector;
  /**
   * Who asks for consent to the privacy guide before a phone number, avatar or nickname:
   * `'popup'`, the app's own popup (the SDK owns wx.onNeedPrivacyAuthorization and pages show
   * `auth.privacy.popup`), or `'wechat'`, WeChat's own popup (the default).
   */
  privacy?: 'popup' | 'wechat';
  /** Told once per data type when the privacy guide lacks it (errno 112): the operator's fix. Default: console.error. */
  onMisconfiguration?: (failure: LoginFailure) => void;
  /** The toast text for a failure; null shows none. */
  failureMessage?: (failure: LoginFailure) => string | null;
  /** Storage key of the persisted login state. */
  storageKey?: string;
  /** Per-request timeout in ms. */
  timeout?: number;
  loadingTitle?: string;
}

export type ResolvedOptions = Required<Omit<MiniAuthOptions, 'inspect' | 'retry'>> & {
  inspect: MiniAuthOptions['inspect'];
  settings: LoginSettings;
};

type Defaulted = 'profile' | 'loginPage' | 'isLoginGone' | 'reloginCap' | 'failureMessage' | 'storageKey' | 'timeout' | 'loadingTitle'
  | 'privacy' | 'onMisconfiguration';

const DEFAULTS: Required<Pick<MiniAuthOptions, Defaulted>> = {
  profile: 'none',
  loginPage: null,
  isLoginGone: isLoginGoneAnswer,
  reloginCap: DEFAULT_LOGIN_SETTINGS.reloginCap,
  failureMessage: (failure: LoginFailure) => failure.message,
  storageKey: 'miniauth',
  timeout: 10_000,
  loadingTitle: '…',
  privacy: 'wechat',
  onMisconfiguration: (failure: LoginFailure) => console.error('[miniauth] configuration:', failure.code, failure.message),
};

/** `{ a: undefined }` must not hide a default. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  const result: Partial<T> = {};
  for (const key of Object.keys(value ?? {}) as Array<keyof T>) {
    if (value![key] !== undefined) result[key] = value![key];
  }
  return result;
}

export function resolveOptions(options: MiniAuthOptions): ResolvedOptions {
  const merged = { ...DEFAULTS, ...defined(options) } as MiniAuthOptions & typeof DEFAULTS;
  const settings: LoginSettings = {
    ...DEFAULT_LOGIN_SETTINGS,
    ...defined(options.retry),
    profileRequired: merged.profile === 'required',
    loginPage: merged.loginPage,
    reloginCap: merged.reloginCap,
  };
  return { ...merged, baseURL: merged.baseURL.replace(/\/+$/, ''), inspect: options.inspect, settings };
}
