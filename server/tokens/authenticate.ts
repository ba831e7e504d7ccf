// The whole check behind the auth hook: a token is present, verifies, and has not been
// revoked since it was issued.

import { TokenError } from '../errors.js';
import { tokenFromHeaders } from './bearer.js';
import type { TokenClaims, TokenService } from './token-service.js';
import type { TokenVersionCache } from './version-cache.js';

export async function authenticate(
  headers: Record<string, string | string[] | undefined>,
  tokens: TokenService,
  versions: TokenVersionCache,
): Promise<TokenClaims> {
  const token = tokenFromHeaders(headers);
  if (token === undefined) throw new TokenError('TOKEN_MISSING');
  const claims = tokens.verify(token);
  if (!(await versions.isCurrent(claims.sub, claims.tv))) throw new TokenError('TOKEN_REVOKED');
  return claims;
}
