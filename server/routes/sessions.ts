// POST /auth/logout-all: "log out everywhere". Bumps the user's token version; this process
// forgets the cached version at once, the others within REVOCATION_TTL (at once with Redis).
//
// It takes a token that expired up to 30 days ago, if it is authentic and of the current
// version: a phone left unused past its token's life must still be able to sign out the
// user's other devices (a lost phone, say), and revoking grants nothing. A revoked token
// stays refused: everything it could revoke already is.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountService } from '../services/account-service.js';
import * as wire from './schemas.js';

/** How long after its expiry a token may still log its user out everywhere. */
export const LOGOUT_ALL_EXPIRED_GRACE_SECONDS = 30 * 86_400;

export const sessionRoutes: FastifyPluginAsyncZod<{ account: AccountService }> = async (app, { account }) => {
  app.post('/auth/logout-all', {
    schema: {
      tags: ['account'],
      summary: 'Revoke every token of the user',
      description: 'Also accepted with a token that expired less than 30 days ago (authentic and not revoked): revoking grants nothing.',
      security: wire.authenticated,
      // Clients send `{}` or nothing at all.
      body: z.object({}).nullish(),
      response: { 200: wire.doneAnswer, ...wire.failures },
    },
  }, async (request) => {
    await account.logOutEverywhere({ userId: request.user.id, requestId: request.id });
    return { code: 1 as const, message: '已在所有设备上退出登录' };
  });
};
