// The auth hook of every route that needs a signed-in user. A hot path: one HMAC verify and
// one in-memory version lookup, no database query (the version cache reads the users table
// at most once per user per REVOCATION_TTL). A rejection is a 401 with `code: -1`.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type TokenService, type TokenVersionCache } from '../tokens/index.js';

/** Who sent the request, from a verified and current token. */
export interface AuthenticatedUser {
  id: string;
  /** The app the token was issued for (its `aud`). */
  appId: string;
  tokenVersion: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook; present only on routes registered inside an authenticated scope. */
    user: AuthenticatedUser;
  }
}

export interface AuthHookOptions {
  tokens: TokenService;
  versions: TokenVersionCache;
}

export function createAuthHook({ tokens, versions }: AuthHookOptions) {
  return async function authenticateRequest(request: FastifyRequest): Promise<void> {
    const claims = await authenticate(request.headers, tokens, versions);
    request.user = { id: claims.sub, appId: claims.aud, tokenVersion: claims.tv };
  };
}

/**
 * Puts every route registered afterwards in `scope` behind the auth hook. Call it inside an
 * encapsulated plugin: routes outside that plugin stay public.
 */
export function requireSignedIn(scope: FastifyInstance, options: AuthHookOptions): void {
  if (!scope.hasRequestDecorator('user')) scope.decorateRequest('user');
  scope.addHook('onRequest', createAuthHook(options));
}
