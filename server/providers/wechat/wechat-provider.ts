// WeChat as a login provider: code2Session for the identity, the legacy user-info payload
// opened with the same login's session_key, and phone numbers through the gateway.

import type { LoginProvider } from '../login-provider.js';
import type { WeChatGateway } from './gateway.js';
import { openLegacyPayload } from './legacy-payload.js';

export const WECHAT_PROVIDER = 'wechat';

export function createWeChatLoginProvider(gateway: WeChatGateway, appIds: readonly string[]): LoginProvider {
  return {
    name: WECHAT_PROVIDER,
    appIds,

    async exchange(appId, code) {
      const session = await gateway.code2Session(appId, code);
      return {
        provider: WECHAT_PROVIDER,
        appId,
        openid: session.openid,
        ...(session.unionid === undefined ? {} : { unionid: session.unionid }),
        sessionSecret: session.sessionKey,
      };
    },

    readProfile(identity, payload) {
      if (identity.sessionSecret === undefined) throw new TypeError('A WeChat identity always carries its session_key.');
      return openLegacyPayload({ appId: identity.appId, openid: identity.openid, sessionKey: identity.sessionSecret, payload });
    },

    async phoneNumber(appId, phoneCode) {
      const number = await gateway.getPhoneNumber(appId, phoneCode);
      return { phone: number.purePhoneNumber, countryCode: number.countryCode };
    },
  };
}
