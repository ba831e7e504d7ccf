// POST /wx/login: the body of the classic mini program login `{ code, encryptedData, iv,
// signature }` (rawData optional) in; `{ code: 1, message, token, expiresAt, isNew, user }` out,
// so a client written for it (`if (data.code) wx.setStorageSync('token', data.token)`) works
// unchanged.

import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { AppUnknownError, type UserInfoPayload } from '../providers/login-provider.js';
import type { LoginService } from '../services/login-service.js';
import { perAddressLimit } from './rate-limits.js';
import * as wire from './schemas.js';
import { toUserView } from './user-view.js';

export interface LoginRouteOptions {
  login: LoginService;
  /** The apps served; the first is the default. */
  appIds: readonly string[];
  /** Per client address; 0 = off. */
  loginPerMinute: number;
}

const loginBody = z.object({
  code: wire.loginCode.describe('The code from wx.login'),
  encryptedData: wire.encryptedData.optional(),
  iv: wire.iv.optional(),
  signature: wire.signature.optional(),
  rawData: wire.rawData.optional(),
  appId: wire.appId.optional().describe('Which mini program, when this server serves several (default: the Referer WeChat sets, then the first one)'),
});

const loginAnswer = z.object({
  code: z.literal(1),
  message: z.string(),
  token: z.string(),
  expiresAt: z.string().describe('ISO 8601'),
  isNew: z.boolean().describe('This login registered the user'),
  user: wire.userView,
});

// wx.request sets it and pages cannot change it: https://servicewechat.com/<appid>/<version>/page-frame.html
const WECHAT_REFERER = /^https:\/\/servicewechat\.com\/(wx[0-9A-Za-z]{6,30})\//;

function appIdOf(request: FastifyRequest, asked: string | undefined, appIds: readonly string[]): string {
  if (asked !== undefined) {
    if (!appIds.includes(asked)) throw new AppUnknownError(undefined, 'body.appId');
    return asked;
  }
  const fromReferer = WECHAT_REFERER.exec(request.headers.referer ?? '')?.[1];
  if (fromReferer !== undefined && appIds.includes(fromReferer)) return fromReferer;
  return appIds[0]!;
}

function userInfoOf(body: z.output<typeof loginBody>): UserInfoPayload | undefined {
  const { encryptedData, iv, signature, rawData } = body;
  if (encryptedData === undefined && iv === undefined) return undefined;
  if (encryptedData === undefined || iv === undefined) {
    const missing = encryptedData === undefined ? 'encryptedData' : 'iv';
    throw new ValidationError(`body.${missing}`, `body.${missing}: required with the rest of the user-info payload`);
  }
  return { encryptedData, iv, signature, rawData };
}

export const loginRoutes: FastifyPluginAsyncZod<LoginRouteOptions> = async (app, { login, appIds, loginPerMinute }) => {
  app.post('/wx/login', {
    config: perAddressLimit(loginPerMinute),
    schema: {
      tags: ['login'],
      summary: 'Log in (and register on the first login) with a wx.login code',
      description: 'Idempotent per code for its 5-minute life: a retry with the same code gets the same user and isNew, with a fresh token.',
      body: loginBody,
      response: { 200: loginAnswer, ...wire.failures },
    },
  }, async (request) => {
    const result = await login.logIn({
      appId: appIdOf(request, request.body.appId, appIds),
      code: request.body.code,
      userInfo: userInfoOf(request.body),
      requestId: request.id,
    });
    request.log.info({ userId: result.user.id, isNew: result.isNew }, 'logged in');
    return {
      code: 1 as const,
      message: '登录成功',
      token: result.token.token,
      expiresAt: result.token.expiresAt.toISOString(),
      isNew: result.isNew,
      user: toUserView(result.user),
    };
  });
};
