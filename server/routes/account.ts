// Every route that needs a signed-in user, in one encapsulated scope behind the auth hook.

import type { FastifyPluginAsync } from 'fastify';
import { requireSignedIn } from '../auth/auth-hook.js';
import { meRoutes } from './me.js';
import { phoneRoutes } from './phone.js';
import { profileRoutes } from './profile.js';
import type { RouteServices } from './services.js';
import { sessionRoutes } from './sessions.js';

export const accountRoutes: FastifyPluginAsync<{ services: RouteServices }> = async (scope, { services }) => {
  requireSignedIn(scope, { tokens: services.tokens, versions: services.versions });
  await scope.register(meRoutes, { services });
  await scope.register(profileRoutes, { services });
  await scope.register(phoneRoutes, { services });
  await scope.register(sessionRoutes, { services });
};
