// Every route that needs a signed-in user, in encapsulated scopes behind the auth hook: the
// account routes, and logging out everywhere, which also takes a recently expired token.

import type { FastifyPluginAsync } from 'fastify';
import { requireSignedIn } from '../auth/auth-hook.js';
import { meRoutes } from './me.js';
import { phoneRoutes } from './phone.js';
import { profileRoutes } from './profile.js';
import type { RouteServices } from './services.js';
import { LOGOUT_ALL_EXPIRED_GRACE_SECONDS, sessionRoutes } from './sessions.js';

export const accountRoutes: FastifyPluginAsync<{ services: RouteServices }> = async (app, { services }) => {
  const auth = { tokens: services.tokens, versions: services.versions };
  await app.register(async (scope) => {
    requireSignedIn(scope, auth);
    await scope.register(meRoutes, { services });
    await scope.register(profileRoutes, { services });
    await scope.register(phoneRoutes, { services });
  });
  // Logging out everywhere only takes access away: a recently expired token may still ask for it.
  await app.register(async (scope) => {
    requireSignedIn(scope, { ...auth, expiredGraceSeconds: LOGOUT_ALL_EXPIRED_GRACE_SECONDS });
    await scope.register(sessionRoutes, { services });
  });
};
