// WeChat as a login provider: code2Session for the identity, the legacy user-info payload
// opened with the same login's session_key, and phone numbers through the gateway.

import type { LoginProvider } from '../login-provider.js';
import { NOT_VISITED } from './errcodes.js';
import { WeChatError } from './errors.js';
import type { WeChatGateway } from './gateway.js';
import { PHONE_NUMBER_SPU_ID } from './phone-quota.js';
import { openLegacyPayload } from './legacy-payload.js';

export const WECHAT_PROVIDER = 'wechat';

const notVisited = (error: unknown): boolean => error instanceof WeChatError && error.errcode === NOT_VISITED;

export function createWeChatLoginProvider(gateway: WeChatGateway, appIds: readonly string[], options: { phoneSpuId?: string } = {}): LoginProvider {
  const phoneSpuId = options.phoneSpuId ?? PHONE_NUMBER_SPU_ID;
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

    async reviewText(appId, openid, text) {
      try {
        const verdict = await gateway.checkText(appId, openid, text);
        return { kind: 'verdict', ...verdict };
      } catch (error) {
        if (notVisited(error)) return { kind: 'not_visited' };
        throw error;
      }
    },

    async reviewImage(appId, openid, url) {
      try {
        return { kind: 'submitted', traceId: (await gateway.checkImage(appId, openid, url)).traceId };
      } catch (error) {
        if (notVisited(error)) return { kind: 'not_visited' };
        throw error;
      }
    },

    async phoneQuota(appId) {
      const usage = await gateway.phoneQuota(appId, phoneSpuId);
      return {
        all: usage.all,
        used: usage.used,
        left: usage.left,
        packages: usage.packages.map(({ pkgId, status, all, used, startTime, endTime, source }) => ({ id: pkgId, status, all, used, startTime, endTime, source })),
      };
    },
  };
}
