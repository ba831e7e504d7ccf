/**
 * miniauth/server: the login service for WeChat mini programs.
 *
 *   const config = loadConfig();
 *   const db = await openDatabase(url); await migrate(db);
 *   const gateway = createWeChatGateway({ apiBase: config.wechat.apiBase, apps: config.wechat.apps, logger });
 *   const app = buildApp(config, { db, gateway });
 *   await app.listen({ port: config.port, host: config.host });
 */
export { buildApp, BODY_LIMIT } from './app.js';
export type { AppDeps } from './app.js';
export { loadConfig, describeConfig, ConfigError, SIMULATOR_APP } from './config.js';
export type { Config, DatabaseConfig, JwtKeyConfig, WeChatAppConfig, LogLevel, NodeEnv } from './config.js';
export { createLogger, loggerOptions } from './log.js';
export { decryptOpenData, verifyRawDataSignature, SESSION_KEY_INVALID, IV_INVALID, DECRYPT_FAILED } from './crypto/index.js';
export type { OpenData, OpenDataWatermark, DecryptOpenDataInput, RawDataSignatureInput } from './crypto/index.js';
export { openDatabase, migrate, ConcurrencyError, DatabaseLockedError, PgliteInProductionError } from './store/index.js';
export type { Database, OpenDatabaseOptions } from './store/index.js';
export { createWeChatGateway, createMemoryAccessTokenCache } from './wechat/index.js';
export type { WeChatGateway, WeChatGatewayOptions, WeChatApp, WeChatSession, PhoneNumber, AccessTokenCache, WeChatLogger } from './wechat/index.js';
export { createTokenService, createTokenVersionCache, tokenFromHeaders } from './tokens/index.js';
export type { TokenClaims, TokenService, IssuedToken, TokenVersionCache } from './tokens/index.js';
export { createAuthHook, requireSignedIn } from './auth/auth-hook.js';
export type { AuthenticatedUser } from './auth/auth-hook.js';
export {
  AppError,
  BadRequestError,
  ValidationError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  NotFoundError,
  RateLimitedError,
  TokenError,
  WeChatError,
  OpenDataError,
  ServiceUnavailableError,
  InternalError,
  isAppError,
  toAppError,
  errorHandler,
  notFoundHandler,
} from './errors.js';
export type { ErrorBody, FailureCode, TokenErrorKind } from './errors.js';
export type { UserView } from './routes/schemas.js';
