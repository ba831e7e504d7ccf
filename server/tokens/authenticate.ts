// The whole check behind the auth hook: a token is present, verifies, and has not been
// revoked since it was issued.

import { TokenError } from './errors.js';
import { tokenFromHeaders } from './bearer.js';
import type { TokenClaims, TokenService, VerifyOptions } from './token-service.js';
import type { TokenVersionCache } from './user-cache.js';

type Headers = Record<string, string | string[] | undefined>;

/** The first two checks, which need no I/O: a token is present and verifies (else a TokenError). */
export function verifiedClaims(headers: Headers, tokens: TokenService, options?: VerifyOptions): TokenClaims {
  const token = tokenFromHeaders(headers);
  if (token === undefined) throw new TokenError('TOKEN_MISSING');
  return tokens.verify(token, options);
}

export async function authenticate(headers: Headers, tokens: TokenService, versions: TokenVersionCache): Promise<TokenClaims> {
  const claims = verifiedClaims(headers, tokens);
  if (!(await versions.isCurrent(claims.sub, claims.tv))) throw new TokenError('TOKEN_REVOKED');
  return claims;
}
