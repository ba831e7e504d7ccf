// POST /me/phone: the getPhoneNumber button's code, exchanged by the user's login provider and
// bound to the user; the answer shows the number masked.

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
    const user = await account.bindPhone({ userId: request.user.id, requestId: request.id }, request.body.code);
    return { code: 1 as const, user: toUserView(user) };
  });
};
