// Every route that needs a signed-in user, in encapsulated scopes behind the auth hook: the
// account routes, and logging out everywhere, which also takes a recently expired token.

import type { FastifyPluginAsync } from 'fastify';
import type { Telemetry } from '../observability/telemetry.js';
import type { AccountService } from '../services/account-service.js';
import type { TokenService, TokenVersionCache } from '../tokens/index.js';
import { requireSignedIn } from './auth-hook.js';
import { consentRoutes } from './consent.js';
import { meRoutes } from './me.js';
import { phoneRoutes } from './phone.js';
import { profileRoutes } from './profile.js';
import { LOGOUT_ALL_EXPIRED_GRACE_SECONDS, sessionRoutes } from './sessions.js';

export interface AccountRouteOptions {
  account: AccountService;
  tokens: TokenService;
  versions: TokenVersionCache;
  /** Token refusals counted. */
  telemetry?: Telemetry;
}

export const accountRoutes: FastifyPluginAsync<AccountRouteOptions> = async (app, { account, tokens, versions, telemetry }) => {
  const hook = { tokens, versions, ...(telemetry === undefined ? {} : { telemetry }) };
  await app.register(async (scope) => {
    requireSignedIn(scope, hook);
    await scope.register(meRoutes, { account });
    await scope.register(profileRoutes, { account });
    await scope.register(phoneRoutes, { account });
    await scope.register(consentRoutes, { account });
  });
  // Logging out everywhere only takes access away: a recently expired token may still ask for it.
  await app.register(async (scope) => {
    requireSignedIn(scope, { ...hook, expiredGraceSeconds: LOGOUT_ALL_EXPIRED_GRACE_SECONDS });
    await scope.register(sessionRoutes, { account });
  });
};
