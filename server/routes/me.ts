// GET /me and DELETE /me (erasure: the personal data goes, every token of the user dies).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AccountService } from '../services/account-service.js';
import * as wire from './schemas.js';
import { toUserView } from './user-view.js';

export const meRoutes: FastifyPluginAsyncZod<{ account: AccountService }> = async (app, { account }) => {
  app.get('/me', {
    schema: {
      tags: ['account'],
      summary: 'The signed-in user',
      description: 'The first call after a token is restored proves it: a revoked or expired token answers 401 with code -1.',
      security: wire.authenticated,
      response: { 200: wire.userAnswer, ...wire.failures },
    },
  }, async (request) => ({ code: 1 as const, user: toUserView(await account.current(request.user.id)) }));

  app.delete('/me', {
    schema: {
      tags: ['account'],
      summary: "Erase the user's personal data and end every login",
      description: 'The event log keeps what happened, with the personal fields made unreadable. A later login starts a new, empty account.',
      security: wire.authenticated,
      response: { 200: wire.doneAnswer, ...wire.failures },
    },
  }, async (request) => {
    await account.erase({ userId: request.user.id, requestId: request.id });
    return { code: 1 as const, message: '账号已删除' };
  });
};
