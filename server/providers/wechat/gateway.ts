// The WeChat gateway: everything the server asks WeChat (or the simulator, which speaks the
// same API). Answers come back typed; every failure is a WeChatError (see ./errcodes.ts).

import { createHmac } from 'node:crypto';
import { isAppError } from '../../errors.js';
import { AppUnknownError } from '../login-provider.js';
import { WeChatError } from './errors.js';
import { createAccessTokens, createMemoryAccessTokenCache, type AccessTokenCache } from './access-token.js';
import { parseMediaTrace, parseTextVerdict, PROFILE_SCENE, type ContentVerdict } from './content-security.js';
import type { Telemetry } from '../../observability/telemetry.js';
import { STALE_ACCESS_TOKEN, weChatUnavailable } from './errcodes.js';
import { parseUsagePage, usageOf, type PhoneQuotaUsage, type QuotaPackage } from './phone-quota.js';
import { createWeChatHttp, type WeChatAnswer, type WeChatLogger, type WeChatRequest } from './http.js';
import { createHttpTransport, type WeChatTransport } from './transport.js';

export interface WeChatApp {
  appId: string;
  secret: string;
}

export interface WeChatSession {
  openid: string;
  /** Server-side only: never send it to a client, a log line or the event log. */
  sessionKey: string;
  unionid?: string;
}

export interface PhoneNumber {
  /** With the country code for numbers outside mainland China, as WeChat shows it. */
  phoneNumber: string;
  purePhoneNumber: string;
  /** Always a string here; WeChat sends a number or a string. */
  countryCode: string;
}

export interface WeChatGatewayOptions {
  apiBase: string;
  apps: readonly WeChatApp[];
  timeoutMs?: number;
  /** How calls reach WeChat; default: node:http(s) keep-alive agents (./transport.ts). */
  transport?: WeChatTransport;
  logger: WeChatLogger;
  tokenCache?: AccessTokenCache;
  /** Milliseconds since the epoch: token expiry and "next minute" for 45011. */
  clock?: () => number;
  /** Every call counted by API and result (metrics). */
  telemetry?: Telemetry;
}

export interface WeChatGateway {
  code2Session(appId: string, code: string): Promise<WeChatSession>;
  getAccessToken(appId: string): Promise<string>;
  getPhoneNumber(appId: string, phoneCode: string): Promise<PhoneNumber>;
  /** Whether sessionKey is still the user's current session_key at WeChat. */
  checkSessionKey(appId: string, openid: string, sessionKey: string): Promise<boolean>;
  /** msg_sec_check v2 of a profile text (scene 1); the person must have visited in the last 2 hours. */
  checkText(appId: string, openid: string, content: string): Promise<ContentVerdict>;
  /** media_check_async v2 of an image URL (scene 1): the trace id the pushed verdict will carry. */
  checkImage(appId: string, openid: string, mediaUrl: string): Promise<{ traceId: string }>;
  /** The app's phone-number packages of one product, every page of them. */
  phoneQuota(appId: string, spuId: string): Promise<PhoneQuotaUsage>;
}

const USAGE_PAGE = 20;
const USAGE_PAGES_MAX = 50;

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

export function createWeChatGateway(options: WeChatGatewayOptions): WeChatGateway {
  const clock = options.clock ?? Date.now;
  const { logger } = options;
  const secrets = new Map(options.apps.map((app) => [app.appId, app.secret]));
  const call = createWeChatHttp({ apiBase: options.apiBase, timeoutMs: options.timeoutMs ?? 5000, transport: options.transport ?? createHttpTransport(), logger, clock,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }) });

  function secretOf(appId: string): string {
    const secret = secrets.get(appId);
    if (secret === undefined) {
      throw new AppUnknownError(appId);
    }
    return secret;
  }

  const tokens = createAccessTokens({
    call,
    secretOf,
    cache: options.tokenCache ?? createMemoryAccessTokenCache(),
    clock,
    onBackgroundError: (appId, error) => logger.warn({ appId, error: isAppError(error) ? error.code : 'unknown' }, 'access token renewal failed; the current token is still valid'),
  });

  /** A call with the app's access token; a stale token is replaced once and the call retried once. */
  async function withAccessToken(appId: string, request: (token: string) => WeChatRequest): Promise<WeChatAnswer> {
    secretOf(appId);
    const token = await tokens.get(appId);
    try {
      return await call(request(token));
    } catch (error) {
      if (!(error instanceof WeChatError) || error.errcode === undefined || !STALE_ACCESS_TOKEN.has(error.errcode)) throw error;
      await tokens.invalidate(appId, token);
      return call(request(await tokens.get(appId)));
    }
  }

  return {
    async code2Session(appId, code) {
      const answer = await call({
        api: 'code2Session',
        appId,
        method: 'GET',
        path: '/sns/jscode2session',
        query: { appid: appId, secret: secretOf(appId), js_code: code, grant_type: 'authorization_code' },
      });
      // Since late 2020 a success carries no errcode: the openid is what makes it one.
      const { openid, session_key: sessionKey, unionid } = answer;
      if (!nonEmpty(openid) || !nonEmpty(sessionKey)) throw weChatUnavailable();
      return { openid, sessionKey, ...(nonEmpty(unionid) ? { unionid } : {}) };
    },

    getAccessToken: async (appId) => {
      secretOf(appId);
      return tokens.get(appId);
    },

    async getPhoneNumber(appId, phoneCode) {
      const answer = await withAccessToken(appId, (token) => ({
        api: 'getPhoneNumber',
        appId,
        method: 'POST',
        path: '/wxa/business/getuserphonenumber',
        query: { access_token: token },
        body: { code: phoneCode }, // in the body: a code in the query string is 40029
      }));
      const info = answer['phone_info'];
      if (typeof info !== 'object' || info === null) throw weChatUnavailable();
      const { phoneNumber, purePhoneNumber, countryCode, watermark } = info as Record<string, unknown>;
      const country = typeof countryCode === 'number' ? String(countryCode) : countryCode;
      if (!nonEmpty(purePhoneNumber) || !nonEmpty(country)) throw weChatUnavailable();
      const stampedFor = typeof watermark === 'object' && watermark !== null ? (watermark as Record<string, unknown>)['appid'] : undefined;
      if (stampedFor !== undefined && stampedFor !== appId) {
        throw new WeChatError('WECHAT_ERROR', 'WeChat returned a phone number stamped for another app.');
      }
      return { phoneNumber: nonEmpty(phoneNumber) ? phoneNumber : purePhoneNumber, purePhoneNumber, countryCode: country };
    },

    async checkSessionKey(appId, openid, sessionKey) {
      // Keyed by the session_key's base64 TEXT, not its bytes, over the empty string.
      const signature = createHmac('sha256', sessionKey).update('').digest('hex');
      const answer = await withAccessToken(appId, (token) => ({
        api: 'checkSessionKey',
        appId,
        method: 'GET',
        path: '/wxa/checksession',
        query: { access_token: token, openid, signature, sig_method: 'hmac_sha256' },
        expectedErrcodes: [87009],
      }));
      return answer['errcode'] === undefined || Number(answer['errcode']) === 0;
    },

    async checkText(appId, openid, content) {
      const answer = await withAccessToken(appId, (token) => ({
        api: 'msgSecCheck',
        appId,
        method: 'POST',
        path: '/wxa/msg_sec_check',
        query: { access_token: token },
        body: { content, version: 2, openid, scene: PROFILE_SCENE },
      }));
      return parseTextVerdict(answer);
    },

    async checkImage(appId, openid, mediaUrl) {
      const answer = await withAccessToken(appId, (token) => ({
        api: 'mediaCheckAsync',
        appId,
        method: 'POST',
        path: '/wxa/media_check_async',
        query: { access_token: token },
        body: { media_url: mediaUrl, media_type: 2, version: 2, openid, scene: PROFILE_SCENE },
      }));
      return { traceId: parseMediaTrace(answer) };
    },

    async phoneQuota(appId, spuId) {
      const packages: QuotaPackage[] = [];
      let totals = { all: 0, used: 0 };
      for (let page = 0; page < USAGE_PAGES_MAX; page += 1) {
        const answer = await withAccessToken(appId, (token) => ({
          api: 'chargeUsage',
          appId,
          method: 'GET',
          path: '/wxa/charge/usage/get',
          query: { access_token: token, spuId, offset: String(page * USAGE_PAGE), limit: String(USAGE_PAGE) },
        }));
        const read = parseUsagePage(answer);
        if (page === 0) totals = { all: read.all, used: read.used };
        packages.push(...read.packages);
        if (read.packages.length < USAGE_PAGE) break;
      }
      return usageOf(totals.all, totals.used, packages);
    },
  };
}
