// The production composition root: starts the whole service as `miniauth serve` runs it: the
// database (migrated), WeChat at the configured address, the HTTP app, and the async projection
// of failed logins on a timer. close() stops them in reverse order. Nothing of the simulator or
// the playground is here: the development root (dev/start.ts) adds them around this one.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, databaseUrlOf, type Config } from './config.js';
import { createLogger } from './log.js';
import { createMetrics } from './observability/metrics.js';
import { startMetricsServer } from './observability/metrics-server.js';
import { createLoginProviders } from './providers/login-providers.js';
import { createWeChatGateway, createWeChatLoginProvider, type WeChatGateway } from './providers/wechat/index.js';
import { createPhoneQuotaWatch } from './services/phone-quota.js';
import { migrate, openDatabase, type Database } from './store/index.js';
import { catchUpLoginFailures } from './users/index.js';

export interface StartOptions {
  /** Default: a pino logger at config.logLevel on stdout. */
  logger?: Logger;
  /** How often failed logins are projected into `login_failures` (default 5 s). */
  catchUpIntervalMs?: number;
  /**
   * Where WeChat's server API answers, instead of config.wechat.apiBase: the development root
   * points it at the embedded simulator. Without credentials, the start is refused otherwise.
   */
  wechatApiBase?: string;
  /** Registered on the app before it listens (the development root adds the playground). */
  plugins?: ReadonlyArray<(app: FastifyInstance, db: Database) => void>;
}

export interface RunningServer {
  config: Config;
  /** The base URL a client on this machine uses, e.g. http://127.0.0.1:3000 (the real port when PORT=0). */
  url: string;
  /** The embedded simulator's base URL (development root only); undefined when talking to real WeChat. */
  simulatorUrl: string | undefined;
  /** Where Prometheus scrapes (METRICS_PORT), e.g. http://127.0.0.1:9464/metrics; undefined when off. */
  metricsUrl: string | undefined;
  /** Migrations applied by this start (empty when the schema was up to date). */
  migrationsApplied: string[];
  app: FastifyInstance;
  db: Database;
  /** Closes the app, then the database; safe to call twice. */
  close(): Promise<void>;
}

const CATCH_UP_INTERVAL_MS = 5_000;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** Where a client on this machine reaches a server bound to `host` (a wildcard is reached on loopback). */
export function reachableHost(host: string): string {
  if (WILDCARD_HOSTS.has(host)) return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function boundPort(app: FastifyInstance): number {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on TCP');
  return address.port;
}

/** Runs `catchUpLoginFailures` every interval; a pass never overlaps the next. */
export function followLoginFailures(db: Database, logger: Logger, intervalMs: number): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const pass = (): void => {
    running = catchUpLoginFailures(db).then(
      (applied) => {
        if (applied > 0) logger.debug({ applied }, 'login failures projected');
      },
      (error: unknown) => logger.warn({ err: error }, 'projecting login failures failed; retrying on the next tick'),
    );
  };
  pass();
  const timer = setInterval(() => {
    void running.then(pass);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/**
 * Reads each app's phone-number quota every interval (the watch warns in the log when a package
 * runs low); the first read at once. One refresher per process; a pass never overlaps the next.
 */
export function watchPhoneQuota(config: Config, gateway: WeChatGateway, logger: Logger): () => Promise<void> {
  const appIds = config.wechat.apps.map((app) => app.appId);
  const watch = createPhoneQuotaWatch({
    providers: createLoginProviders([createWeChatLoginProvider(gateway, appIds)]),
    warnBelow: config.phoneQuota.warnBelow,
    maxAgeMs: config.phoneQuota.pollSeconds * 1000,
    clock: Date.now,
    logger: logger.child({ component: 'phone-quota' }),
  });
  let running: Promise<unknown> = watch.refreshAll(appIds);
  const timer = setInterval(() => {
    running = running.then(() => watch.refreshAll(appIds));
  }, config.phoneQuota.pollSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  if (config.wechat.mode === 'simulator' && options.wechatApiBase === undefined) {
    throw new ConfigError([
      'no WeChat credentials: set WECHAT_APPID and WECHAT_SECRET (or WECHAT_APPS); `npm start` runs the development server, which embeds the WeChat simulator',
    ]);
  }
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Undo what was started when a later step fails (a port in use must not leave the PGlite lock held).
  const undo: Array<() => Promise<void>> = [];
  const unwind = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) {
      await step().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };

  try {
    const db = await openDatabase(databaseUrlOf(config.database), { nodeEnv: config.env });
    undo.push(() => db.close());
    const migrationsApplied = await migrate(db);
    const metrics = config.metrics === undefined ? undefined : createMetrics({ db });
    const telemetry = metrics?.telemetry;
    const gateway = createWeChatGateway({
      apiBase: options.wechatApiBase ?? config.wechat.apiBase,
      apps: config.wechat.apps,
      timeoutMs: config.wechat.timeoutMs,
      logger: logger.child({ component: 'wechat' }),
      ...(telemetry === undefined ? {} : { telemetry }),
    });

    const app = buildApp(config, { db, gateway, logger, ...(telemetry === undefined ? {} : { telemetry }) });
    for (const plugin of options.plugins ?? []) plugin(app, db);
    undo.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    const stopFollowing = followLoginFailures(db, logger, options.catchUpIntervalMs ?? CATCH_UP_INTERVAL_MS);
    // Undone first: no catch-up pass may start on a closing database.
    undo.push(stopFollowing);
    if (config.phoneQuota.pollSeconds > 0) undo.push(watchPhoneQuota(config, gateway, logger));
    const metricsServer = metrics === undefined || config.metrics === undefined
      ? undefined
      : await startMetricsServer({ ...config.metrics, metrics, logger });
    if (metricsServer !== undefined) undo.push(() => metricsServer.close());

    let closing: Promise<void> | undefined;
    return {
      config,
      url: `http://${reachableHost(config.host)}:${boundPort(app)}`,
      simulatorUrl: undefined,
      metricsUrl: metricsServer?.url,
      migrationsApplied,
      app,
      db,
      close: () => (closing ??= unwind()),
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}
