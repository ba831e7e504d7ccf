// The machine's platform actors, built from the ports: wx.login and the server's login,
// profile, phone and logout-everywhere routes (see the HTTP contract in docs/api.md).

import type {
  BindPhoneInput, ExchangeCodeInput, LoginGrant, PrivacySetting, RevokeSessionsInput, SubmitConsentInput, UserOutput,
} from '../machines/index.js';
import { fromTask } from '../machines/index.js';
import { failureFromAnswer, isSuccess, toGrant, userFrom } from './answers.js';
import { MiniAuthError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { Clock, HttpMethod, HttpResponse, Platform } from './ports.js';

export function authorization(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function loginActors(platform: Platform, options: ResolvedOptions, clock: Clock) {
  const call = (method: HttpMethod, path: string, token: string | null, data?: unknown): Promise<HttpResponse> =>
    platform.request.send({
      url: options.baseURL + path,
      method,
      data,
      header: { 'content-type': 'application/json', ...authorization(token) },
      timeout: options.timeout,
    });

  return {
    wxLogin: fromTask(() => platform.login.login()),

    exchangeCode: fromTask(async ({ code }: ExchangeCodeInput): Promise<LoginGrant> =>
      toGrant(await call('POST', '/wx/login', null, { code }), clock.now())),

    submitConsent: fromTask(async ({ token, draft, code }: SubmitConsentInput): Promise<UserOutput> => {
      if (draft.kind === 'profile') {
        const { nickname, avatarUrl } = draft;
        return userFrom(await call('PUT', '/me/profile', token, { nickname, avatarUrl }));
      }
      // The legacy payload goes exactly as WeChat gave it; `code` only on the one resend.
      const { kind: _kind, ...payload } = draft;
      return userFrom(await call('POST', '/me/profile/wechat', token, code ? { ...payload, code } : payload));
    }),

    bindPhone: fromTask(async ({ token, code }: BindPhoneInput): Promise<UserOutput> =>
      userFrom(await call('POST', '/me/phone', token, { code }))),

    revokeSessions: fromTask(async ({ token }: RevokeSessionsInput): Promise<void> => {
      const response = await call('POST', '/auth/logout-all', token, {});
      if (!isSuccess(response)) throw failureFromAnswer(response);
    }),

    eraseAccount: fromTask(async ({ token }: RevokeSessionsInput): Promise<void> => {
      const response = await call('DELETE', '/me', token);
      if (!isSuccess(response)) throw failureFromAnswer(response);
    }),

    // A base library without the privacy APIs has no gate: the machine skips it on this failure.
    checkPrivacy: fromTask(async (): Promise<PrivacySetting> => {
      if (!platform.privacy) {
        throw new MiniAuthError({ reason: 'configuration', code: 'PRIVACY_API_MISSING', message: 'This WeChat has no privacy gate.' });
      }
      return platform.privacy.getSetting();
    }),
  };
}
