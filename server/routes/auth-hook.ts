// The auth hook of every route that needs a signed-in user. A hot path: one HMAC verify (or a
// remembered one) and one in-memory version lookup, no database query (the version cache reads
// the users table at most once per user per REVOCATION_TTL). A rejection is a 401 with `code: -1`.

import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { NO_TELEMETRY, type Telemetry } from '../observability/telemetry.js';
import { TokenError } from '../tokens/index.js';
import { verifiedClaims, type TokenClaims, type TokenService, type TokenVersionCache } from '../tokens/index.js';

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
  /**
   * Let through a token expired for less than this many seconds (still authentic, still of the
   * current version). Only for routes that take access away: see server/routes/sessions.ts.
   */
  expiredGraceSeconds?: number;
  /** Refusals counted by their error code (a request let through costs nothing). */
  telemetry?: Telemetry;
}

/** Lets the request through as its token's user, or refuses a token revoked since it was signed. */
function admit(request: FastifyRequest, claims: TokenClaims, current: boolean, done: HookHandlerDoneFunction, telemetry: Telemetry): void {
  if (!current) {
    telemetry.refusedToken('TOKEN_REVOKED');
    done(new TokenError('TOKEN_REVOKED'));
    return;
  }
  request.user = { id: claims.sub, appId: claims.aud, tokenVersion: claims.tv };
  done();
}

/**
 * An onRequest hook (callback style). When the version cache can answer from memory, as it
 * almost always can, the request goes on without awaiting anything and without a closure made
 * for it: an async hook's promises cost about a tenth of a small route's time (measured by
 * `npm run bench`).
 */
export function createAuthHook({ tokens, versions, expiredGraceSeconds, telemetry = NO_TELEMETRY }: AuthHookOptions) {
  const verifyOptions = expiredGraceSeconds === undefined ? undefined : { expiredGraceSeconds };
  return function authenticateRequest(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let claims: TokenClaims;
    try {
      claims = verifiedClaims(request.headers, tokens, verifyOptions);
    } catch (error) {
      telemetry.refusedToken(error instanceof TokenError ? error.code : 'UNEXPECTED');
      done(error as Error);
      return;
    }
    const known = versions.isCurrentCached(claims.sub, claims.tv);
    if (known !== undefined) {
      admit(request, claims, known, done, telemetry);
      return;
    }
    versions.isCurrent(claims.sub, claims.tv).then(
      (current) => admit(request, claims, current, done, telemetry),
      (error: unknown) => done(error as Error),
    );
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
