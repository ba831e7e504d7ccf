// buildApp(config, deps): the whole HTTP service as a fastify instance, not listening (only
// the server entry listens; tests call inject() or listen on port 0); its routes are one
// plugin, miniauthRoutes, that an existing app can mount as well. They open what they need
// besides the deps (the revocation cache, a Redis client) and close that on app.close();
// the database and the gateway belong to the caller.

import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import { consoleRoutes, createConsoleService } from './admin/index.js';
import type { Config } from './config.js';
import { createLogger } from './log.js';
import { NO_TELEMETRY, type Telemetry } from './observability/telemetry.js';
import type { LoginProvider } from './providers/login-provider.js';
import { createLoginProviders } from './providers/login-providers.js';
import { createWeChatLoginProvider, type WeChatGateway } from './providers/wechat/index.js';
import { accountRoutes } from './routes/account.js';
import { registerOpenApi } from './routes/docs.js';
import { clientErrorHandler, errorHandler, notFoundHandler } from './routes/error-answers.js';
import { healthRoutes } from './routes/health.js';
import { loginRoutes } from './routes/login.js';
import { registerRateLimits } from './routes/rate-limits.js';
import { messageRoutes } from './routes/messages.js';
import { createAccountService } from './services/account-service.js';
import { createMessageEndpoint } from './services/message-endpoint.js';
import { createPhoneCodes } from './services/phone-codes.js';
import type { PhoneQuotaWatch } from './services/phone-quota.js';
import { createProfileReviewer } from './services/profile-review.js';
import { createLoginCodes } from './services/login-codes.js';
import { createLoginService } from './services/login-service.js';
import { createLoginThrottle } from './services/login-throttle.js';
import type { Database } from './store/database.js';
import { createTokenService, createUserCache } from './tokens/index.js';
import { createUserEventStore, Users } from './users/index.js';

export interface AppDeps {
  /** Migrated; not closed by the app. */
  db: Database;
  /** WeChat, for the configured apps (config.wechat.apps). */
  gateway: WeChatGateway;
  /** More login providers, for apps of other platforms (their app ids must not repeat WeChat's). */
  loginProviders?: readonly LoginProvider[];
  /** Milliseconds since the epoch, for tokens, events and the revocation cache (tests move it). */
  clock?: () => number;
  /** A pino logger (createLogger); by default one at config.logLevel writing to stdout. */
  logger?: FastifyBaseLogger;
  /** Rate-limit counters; by default a client of config.redisUrl when set, else in memory. */
  redis?: Redis;
  /** What the app counts (./observability/metrics.ts); nothing by default. */
  telemetry?: Telemetry;
  /**
   * The phone-number quota watch the background job refreshes (phoneQuotaWatchFor): the console
   * shows its latest readings. Without one, the console says the quota has not been read.
   */
  phoneQuota?: PhoneQuotaWatch;
}

/** The largest body accepted: a legacy payload is a few kilobytes. */
export const BODY_LIMIT = 64 * 1024;

// Above the WeChat timeout (5 s by default): a retry of a code waits out the first request's exchange.
const PENDING_CODE_MARGIN_MS = 2_000;
const REDIS_READY_WAIT_MS = 1_000;

function connectRateLimitRedis(url: string): Redis {
  // Fail fast when Redis is away: the limiter then lets requests through (skipOnError).
  return new Redis(url, { connectTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false });
}

/** Resolves once the client is connected; until then the limiter counts nothing. */
function connected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}

/** What the routes are built from: the configuration and the dependencies of AppDeps. */
export interface MiniAuthRoutesOptions extends Omit<AppDeps, 'logger'> {
  config: Config;
}

/**
 * Every route of the service, with its validation, error answers and body parsing, as an
 * encapsulated fastify plugin: what buildApp serves, and what `miniauth` (./embed.ts) mounts
 * inside an existing app under a prefix. It logs with the app's logger; the database and the
 * gateway belong to the caller.
 */
export const miniauthRoutes: FastifyPluginAsync<MiniAuthRoutesOptions> = async (app, { config, ...deps }) => {
  const clock = deps.clock ?? Date.now;
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  const providers = createLoginProviders([
    createWeChatLoginProvider(deps.gateway, config.wechat.apps.map((entry) => entry.appId)),
    ...(deps.loginProviders ?? []),
  ]);
  const users = new Users(createUserEventStore(deps.db, { onAppend: telemetry.appended }), { phoneConflict: config.phoneConflict });
  const tokens = createTokenService({ keys: config.jwt.keys, ttlSeconds: config.jwt.ttlSeconds, audience: providers.appIds, clock });
  // The signed-in users' records, for the auth hook (token versions) and the account routes.
  const signedIn = createUserCache({
    ttlMs: config.revocationTtlMs,
    clock,
    logger: app.log,
    load: (userId) => users.findById(userId),
    ...(config.redisUrl === undefined ? {} : { redis: { url: config.redisUrl } }),
  });
  const ownRedis = deps.redis === undefined && config.redisUrl !== undefined ? connectRateLimitRedis(config.redisUrl) : undefined;
  ownRedis?.on('error', () => undefined); // reported by the limiter (skipOnError) and the version cache
  const redis = deps.redis ?? ownRedis;
  const perOpenid = config.rateLimit.loginPerOpenidPerMinute;
  if (config.contentReview.enabled && config.contentReview.messageToken === undefined) {
    app.log.warn('content review: avatars are stored unchecked until WECHAT_MESSAGE_TOKEN is set (their verdicts are pushed, signed with it)');
  }
  const review = createProfileReviewer({
    users,
    providers,
    enabled: config.contentReview.enabled,
    images: config.contentReview.messageToken !== undefined,
    clock,
    logger: app.log,
    telemetry,
  });
  const login = createLoginService({
    users,
    providers,
    tokens,
    codes: createLoginCodes(deps.db, clock),
    throttle: perOpenid > 0 ? createLoginThrottle({ perMinute: perOpenid, clock, ...(redis === undefined ? {} : { redis }) }) : undefined,
    signedIn,
    clock,
    logger: app.log,
    pendingWaitMs: config.wechat.timeoutMs + PENDING_CODE_MARGIN_MS,
    review,
    telemetry,
  });
  const account = createAccountService({ users, providers, signedIn, review, phoneCodes: createPhoneCodes(deps.db, clock), clock, telemetry });
  const messages = createMessageEndpoint({
    users,
    db: deps.db,
    token: config.contentReview.messageToken,
    appIds: providers.appIds,
    clock,
    wrote: (user) => signedIn.written(user.id, user, { announce: true }),
    logger: app.log,
    telemetry,
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // Mounted in a bigger app, the app's own body limit may be larger: these routes keep theirs.
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= BODY_LIMIT;
  });
  // An empty JSON body (a DELETE or POST with nothing to say) is no body, not a parse error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') done(null, undefined);
    else parseJson(request, text, done);
  });
  if (!app.hasRequestDecorator('user')) app.decorateRequest('user');

  await registerOpenApi(app, '1.0.0');
  await registerRateLimits(app, redis, telemetry);
  await app.register(healthRoutes, { db: deps.db });
  await app.register(loginRoutes, { login, appIds: providers.appIds, loginPerMinute: config.rateLimit.loginPerMinute });
  await app.register(accountRoutes, { account, tokens, versions: signedIn, telemetry });
  await app.register(messageRoutes, { messages });
  if (config.admin !== undefined) {
    const adminConsole = createConsoleService({
      settings: config.admin, users, signedIn, clock, telemetry,
      phoneQuota: { appIds: config.wechat.apps.map((entry) => entry.appId), ...(deps.phoneQuota && { watch: deps.phoneQuota }) },
    });
    await app.register(consoleRoutes, { console: adminConsole, settings: config.admin, production: config.env === 'production', trustProxy: config.trustProxy });
  }

  // Revocations announced by other processes are missed until the subscription is live, and
  // logins go uncounted until the limiter's client is connected; a Redis that is away must not
  // hold up the start (the TTL bounds what is missed meanwhile).
  app.addHook('onReady', async () => {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, REDIS_READY_WAIT_MS);
    });
    const ready = Promise.all([signedIn.ready(), ownRedis && connected(ownRedis)]);
    await Promise.race([ready, giveUp]).finally(() => clearTimeout(timer));
  });
  app.addHook('onClose', async () => {
    await signedIn.close();
    ownRedis?.disconnect();
  });
};

/** The whole service as a fastify app of its own, not listening. */
export function buildApp(config: Config, deps: AppDeps): FastifyInstance {
  const { logger, ...routeDeps } = deps;
  const app = Fastify({
    loggerInstance: logger ?? createLogger({ level: config.logLevel }),
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Our own ids only: a client-chosen id would reach the event log's metadata and the logs.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // A request the HTTP parser refuses still gets `{ code, error, message }`.
    clientErrorHandler,
    // The router's own refusals (a bad URL, a path parameter over its length) too.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
  });
  // The same at the root, for what else a caller registers on this app (the playground).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.register(miniauthRoutes, { config, ...routeDeps });
  return app;
}
