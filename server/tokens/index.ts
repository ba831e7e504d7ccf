export { createTokenService } from './token-service.js';
export type { SigningKey, TokenClaims, IssuedToken, TokenService, TokenServiceOptions } from './token-service.js';
export { createUserCache, DEFAULT_REVOCATION_CHANNEL } from './user-cache.js';
export type { TokenVersionCache, UserCache, UserCacheOptions, VersionedRecord } from './user-cache.js';
export { tokenFromHeaders } from './bearer.js';
export { authenticate, verifiedClaims } from './authenticate.js';
export { TokenError } from './errors.js';
export type { TokenErrorCode } from './errors.js';
