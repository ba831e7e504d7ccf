// The pair of routes the auth-hook figure compares: one handler, registered twice the way the
// account routes are (server/routes/account.ts), once behind requireSignedIn and once without.
// The handler is as cheap as a route can be, so the hook's cost shows at its largest.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireSignedIn, type AuthHookOptions } from '../server/routes/auth-hook.js';

export const SIGNED_IN_PATH = '/bench/signed-in';
export const OPEN_PATH = '/bench/open';

const answer = z.object({ code: z.literal(1), userId: z.string().nullable() });

const whoAmI: FastifyPluginAsyncZod<{ path: string }> = async (scope, { path }) => {
  scope.get(path, { schema: { response: { 200: answer } } }, async (request) => ({
    code: 1 as const,
    // Undefined outside the hook's scope: the decorator is declared, never set there.
    userId: (request.user as { id: string } | null | undefined)?.id ?? null,
  }));
};

export const benchRoutes: FastifyPluginAsyncZod<AuthHookOptions> = async (app, auth) => {
  await app.register(async (signedIn) => {
    requireSignedIn(signedIn, auth);
    await signedIn.register(whoAmI, { path: SIGNED_IN_PATH });
  });
  await app.register(whoAmI, { path: OPEN_PATH });
};
