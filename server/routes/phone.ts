// POST /me/phone: the getPhoneNumber button's code, exchanged once by the user's login provider
// and bound to the user; the answer shows the number masked. POST /me/phone/unavailable: the
// button failed with errno 1400001 (the app's paid quota is spent): recorded, and answered as an
// outcome the page shows ("not available now"), not as an error to retry.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountService } from '../services/account-service.js';
import * as wire from './schemas.js';
import { toUserView } from './user-view.js';

export const phoneRoutes: FastifyPluginAsyncZod<{ account: AccountService }> = async (app, { account }) => {
  app.post('/me/phone', {
    schema: {
      tags: ['account'],
      summary: "Bind the phone number from the getPhoneNumber button's code",
      description: 'The code is exchanged with WeChat once; the answer shows the number masked.',
      security: wire.authenticated,
      body: z.object({ code: wire.loginCode.describe('The getphonenumber event code') }),
      response: { 200: wire.userAnswer, ...wire.failures },
    },
  }, async (request) => {
    const user = await account.bindPhone({ userId: request.user.id, appId: request.user.appId, requestId: request.id }, request.body.code);
    return { code: 1 as const, user: toUserView(user) };
  });

  app.post('/me/phone/unavailable', {
    schema: {
      tags: ['account'],
      summary: 'Report that the getPhoneNumber button handed out no number (errno 1400001)',
      description: "WeChat answers errno 1400001 on the phone when the app's paid phone-number quota is spent. The server records it; the answer tells the page to show the number as not available now (skip it, or offer another way), never to ask again in a loop.",
      security: wire.authenticated,
      body: z.object({
        errno: z.literal(PHONE_QUOTA_SPENT_ERRNO).describe("The button event's detail.errno"),
        errMsg: z.string().max(256).optional().describe("The button event's detail.errMsg, for the record"),
      }),
      response: { 200: phoneUnavailableAnswer, ...wire.failures },
    },
  }, async (request) => {
    const user = await account.phoneUnavailable({ userId: request.user.id, requestId: request.id }, request.body.errno);
    return { code: 1 as const, outcome: 'PHONE_QUOTA_SPENT' as const, message: '手机号验证暂时不可用', user: toUserView(user) };
  });
};

/** errno of the getPhoneNumber button when the app's paid quota is spent. */
export const PHONE_QUOTA_SPENT_ERRNO = 1400001;

const phoneUnavailableAnswer = z.object({
  code: z.literal(1),
  outcome: z.literal('PHONE_QUOTA_SPENT').describe('No number can be had now: show it as not available, do not retry'),
  message: z.string(),
  user: wire.userView,
});
