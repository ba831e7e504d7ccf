// Pure rules the machine's guards and actions apply: kept apart so that they read as policy
// and can be tested without running the chart.

import type { FailureReason, LoginContext, LoginFailure, PrivacyScope, SessionUser } from './types.js';

const REASONS: ReadonlySet<string> = new Set<FailureReason>([
  'busy', 'rateLimited', 'badCode', 'codeUsed', 'blocked', 'network', 'server',
  'wxLogin', 'decrypt', 'loginGone', 'rejected', 'denied', 'configuration', 'reloginCap',
]);

/** Failures a fresh attempt after a pause may cure. */
export const TRANSIENT_REASONS: readonly FailureReason[] = ['busy', 'network', 'server', 'wxLogin'];
/** Failures cured by a fresh wx.login code, at once. */
export const CODE_REASONS: readonly FailureReason[] = ['badCode', 'codeUsed'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Any rejection from a platform actor as a plain LoginFailure. Actors reject with typed
 * errors (the client's MiniAuthError); anything else is an unexpected bug on our side.
 */
export function toLoginFailure(error: unknown): LoginFailure {
  if (!isRecord(error) || !REASONS.has(error['reason'] as string)) {
    return { reason: 'server', code: 'UNEXPECTED', message: 'Something went wrong; try again.' };
  }
  const failure: LoginFailure = {
    reason: error['reason'] as FailureReason,
    code: typeof error['code'] === 'string' ? error['code'] : 'UNEXPECTED',
    message: typeof error['message'] === 'string' ? error['message'] : 'Something went wrong.',
  };
  // Copy only the known optional fields: a snapshot must never carry a stray secret.
  for (const key of ['status', 'errcode', 'errno', 'retryAfterSeconds'] as const) {
    const value = error[key];
    if (typeof value === 'number') failure[key] = value;
  }
  if (typeof error['errMsg'] === 'string') failure.errMsg = error['errMsg'];
  return failure;
}

export const DENIED: LoginFailure = {
  reason: 'denied',
  code: 'CONSENT_DENIED',
  message: 'You declined, so nothing was sent. You can agree at any time.',
};

export const RELOGIN_CAP_REACHED: LoginFailure = {
  reason: 'reloginCap',
  code: 'RELOGIN_CAP_REACHED',
  message: 'Signing in again did not help; please try again later.',
};

/**
 * The server refused the token while binding the phone: the login is renewed, but the phone
 * code was single-use, so the person has to tap the button again once signed in.
 */
export const PHONE_NOT_BOUND: LoginFailure = {
  reason: 'loginGone',
  code: 'PHONE_NOT_BOUND',
  message: 'Your login had expired, so your phone number was not linked. Please tap the button again.',
};

export const PRIVACY_REFUSED: LoginFailure = {
  reason: 'denied',
  code: 'PRIVACY_REFUSED',
  message: 'You did not agree to the privacy guide, so nothing was asked or sent. You can agree at any time.',
};

/** WeChat's own popup was refused moments ago: WeChat refuses every gated call for 10 s. */
export const PRIVACY_IN_GAP: LoginFailure = {
  reason: 'denied',
  code: 'PRIVACY_IN_GAP',
  message: 'You just declined the privacy guide. Wait a few seconds, then try again.',
};

/** How long WeChat refuses gated calls at once after its own popup was refused. */
export const PRIVACY_GAP_MS = 10_000;

const SCOPE_NAMES: Record<PrivacyScope, string> = { phone: 'phone number', profile: 'avatar and nickname' };

/** errno 112: the guide lacks the data type. Not the person's to fix: the operator's. */
export function privacyNotDeclared(scope: PrivacyScope, errMsg: string): LoginFailure {
  return {
    reason: 'configuration',
    code: 'PRIVACY_SCOPE_UNDECLARED',
    message: `This mini program cannot ask for your ${SCOPE_NAMES[scope]} yet: its privacy guide does not declare it.`,
    errno: 112,
    errMsg,
  };
}

/** The server refused the token while erasing: the login is renewed, and the person asks again. */
export const ERASE_NOT_DONE: LoginFailure = {
  reason: 'loginGone',
  code: 'ERASE_NOT_DONE',
  message: 'Your login had expired, so your account was not erased. Please try again.',
};

/** The server's rule: a profile is a nickname and an avatar. */
export function hasProfile(user: SessionUser | null): boolean {
  return user !== null && Boolean(user.nickname) && Boolean(user.avatarUrl);
}

/** Whether the last failure had one of these reasons. */
export function failedWith(context: LoginContext, ...reasons: FailureReason[]): boolean {
  return context.error !== null && reasons.indexOf(context.error.reason) >= 0;
}

export function isTokenLive(context: LoginContext, now: number): boolean {
  return context.token !== null && context.expiresAt !== null
    && context.expiresAt - context.settings.expirySkewMs > now;
}

/** `/pages/a/index?x=1` and `pages/a/index` name the same page. */
export function pagePath(url: string): string {
  return url.split('?')[0]!.replace(/^\/+/, '');
}

export function backoffDelay(context: LoginContext): number {
  return context.settings.backoffMs * 2 ** Math.max(0, context.retries - 1);
}

export function rateLimitDelay(context: LoginContext): number {
  const seconds = context.error === null ? 0 : context.error.retryAfterSeconds || 0;
  return seconds > 0 ? seconds * 1000 : context.settings.rateLimitWaitMs;
}
