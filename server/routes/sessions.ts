// POST /auth/logout-all: "log out everywhere". Bumps the user's token version; this process
// forgets the cached version at once, the others within REVOCATION_TTL (at once with Redis).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as wire from './schemas.js';
import type { RouteServices } from './services.js';

export const sessionRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.post('/auth/logout-all', {
    schema: {
      tags: ['account'],
      summary: 'Revoke every token of the user',
      security: wire.authenticated,
      // Clients send `{}` or nothing at all.
      body: z.object({}).nullish(),
      response: { 200: wire.doneAnswer, ...wire.failures },
    },
  }, async (request) => {
    const userId = request.user.id;
    await services.users.revokeSessions(userId, new Date(services.clock()), { requestId: request.id });
    await services.versions.invalidate(userId);
    return { code: 1 as const, message: '已在所有设备上退出登录' };
  });
};
