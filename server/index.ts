/**
 * miniauth/server: the login service for WeChat mini programs.
 *
 *   const config = loadConfig();                       // from the environment
 *   const running = await startServer(config);         // database, WeChat, app, background jobs
 *   …
 *   await running.close();
 *
 * Or compose it yourself: open and migrate a database, create the WeChat gateway, and
 * `buildApp(config, { db, gateway })` gives the fastify app (not listening).
 */
export { buildApp, BODY_LIMIT } from './app.js';
export type { AppDeps } from './app.js';
export { startServer, followLoginFailures } from './start.js';
export type { RunningServer, StartOptions } from './start.js';
export { loadConfig, describeConfig, databaseUrlOf, ConfigError, SIMULATOR_APP } from './config.js';
export type { Config, DatabaseConfig, JwtKeyConfig, WeChatAppConfig, LogLevel, NodeEnv } from './config.js';
export { createLogger, loggerOptions } from './log.js';
export { AppError, isAppError, ValidationError, RateLimitedError } from './errors.js';
export type { AppErrorDetails } from './errors.js';
export { openDatabase, migrate, ConcurrencyError, DatabaseDriverMissingError, DatabaseLockedError, DatabaseUnavailableError, PgliteInProductionError } from './store/index.js';
export type { Database, OpenDatabaseOptions } from './store/index.js';
export type { LoginProvider, ProviderIdentity, ProviderProfile, UserInfoPayload } from './providers/login-provider.js';
export { AppUnknownError } from './providers/login-provider.js';
export {
  createWeChatGateway,
  createMemoryAccessTokenCache,
  createWeChatLoginProvider,
  decryptOpenData,
  verifyRawDataSignature,
  SESSION_KEY_INVALID,
  IV_INVALID,
  DECRYPT_FAILED,
  WeChatError,
  OpenDataError,
} from './providers/wechat/index.js';
export type {
  WeChatGateway,
  WeChatGatewayOptions,
  WeChatApp,
  WeChatSession,
  PhoneNumber,
  AccessTokenCache,
  WeChatLogger,
  OpenData,
  OpenDataWatermark,
  DecryptOpenDataInput,
  RawDataSignatureInput,
} from './providers/wechat/index.js';
export { createTokenService, createUserCache, tokenFromHeaders, TokenError } from './tokens/index.js';
export type { TokenClaims, TokenService, IssuedToken, TokenVersionCache, UserCache } from './tokens/index.js';
export { createAuthHook, requireSignedIn } from './routes/auth-hook.js';
export type { AuthenticatedUser } from './routes/auth-hook.js';
export { errorHandler, notFoundHandler, errorBody, statusOf, toAppError } from './routes/error-answers.js';
export type { ErrorBody, FailureCode, KnownCode } from './routes/error-answers.js';
export type { UserView } from './routes/schemas.js';
