/**
 * miniauth/server: the login service for WeChat mini programs (docs/embedding.md).
 *
 *   const config = defineConfig({                      // or loadConfig() from the environment
 *     database: postgres(process.env.DATABASE_URL!),   // or pglite('./data'), memoryDatabase()
 *     wechat: { apps: [{ appId: 'wx…', secret: '…' }] },
 *     jwt: { secret: process.env.JWT_SECRET! },
 *   });
 *
 * On its own, as `miniauth serve` runs it (database, WeChat, app, background jobs):
 *
 *   const running = await startServer(config);
 *   await running.close();
 *
 * Or inside your fastify app, under a prefix, with your app's logger:
 *
 *   await app.register(miniauth, { prefix: '/auth', config });   // closed with the app
 */
export { buildApp, miniauthRoutes, BODY_LIMIT } from './app.js';
export type { AppDeps, MiniAuthRoutesOptions } from './app.js';
export { miniauth } from './embed.js';
export type { MiniAuthPluginOptions } from './embed.js';
export { defineConfig, postgres, pglite, memoryDatabase } from './define-config.js';
export type { MiniAuthSettings } from './define-config.js';
export { startServer } from './start.js';
export type { RunningServer, StartOptions } from './start.js';
export { followLoginFailures, startBackgroundJobs } from './background-jobs.js';
export type { BackgroundJobOptions, JobLogger } from './background-jobs.js';
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
