// The platform call each invoke of the machine waits on, as the phone's network shows it: what
// the model expects to see waiting, and what a call left behind by a stopped invoke looks like.

import type { LoginSnapshot } from './machine-step.js';

export const tokenText = (token: string | null) => token ?? 'no token';

export function invokeCall(invoke: string, snapshot: LoginSnapshot): string {
  const token = `(${tokenText(snapshot.context.token)})`;
  switch (invoke) {
    case 'wxLogin':
    case 'consentCode':
      return 'wx.login';
    case 'exchangeCode':
      return 'POST /wx/login (no token)';
    case 'submitConsent':
      return snapshot.context.consent?.kind === 'wechat' ? `POST /me/profile/wechat ${token}` : `PUT /me/profile ${token}`;
    case 'resendConsent':
      return `POST /me/profile/wechat ${token}`;
    case 'bindPhone':
      return `POST /me/phone ${token}`;
    case 'revokeSessions':
      return `POST /auth/logout-all ${token}`;
    case 'eraseAccount':
      return `DELETE /me ${token}`;
    case 'checkPrivacy':
      return 'wx.getPrivacySetting';
    default:
      throw new Error(`the model does not know which call invoke "${invoke}" makes`);
  }
}
