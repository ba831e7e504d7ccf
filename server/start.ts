// The production composition root: starts the whole service as `miniauth serve` runs it: the
// database (migrated), WeChat at the configured address, the HTTP app, and the background jobs
// (./background-jobs.ts). close() stops them in reverse order. Nothing of the simulator or the
// playground is here: the development root (dev/start.ts) adds them around this one.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { phoneQuotaWatchFor, startBackgroundJobs } from './background-jobs.js';
import { ConfigError, databaseUrlOf, type Config } from './config.js';
import { createLogger } from './log.js';
import { createWeChatGateway } from './providers/wechat/index.js';
import { migrate, openDatabase, type Database } from './store/index.js';

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

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** The metrics module: prom-client is installed only by those who want metrics. */
async function loadMetrics(): Promise<typeof import('./observability/metrics.js')> {
  try {
    return await import('./observability/metrics.js');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && /prom-client/.test(String(error))) {
      throw new ConfigError(['METRICS_PORT: set, but prom-client is not installed: `npm install prom-client`, or unset METRICS_PORT']);
    }
    throw error;
  }
}

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
    const metrics = config.metrics === undefined ? undefined : (await loadMetrics()).createMetrics({ db });
    const telemetry = metrics?.telemetry;
    const gateway = createWeChatGateway({
      apiBase: options.wechatApiBase ?? config.wechat.apiBase,
      apps: config.wechat.apps,
      timeoutMs: config.wechat.timeoutMs,
      logger: logger.child({ component: 'wechat' }),
      ...(telemetry === undefined ? {} : { telemetry }),
    });

    // One quota watch: the background job refreshes it, the console shows its readings.
    const phoneQuota = { config, gateway, ...(telemetry === undefined ? {} : { telemetry }) };
    const quotaWatch = phoneQuotaWatchFor(phoneQuota, logger);
    const app = buildApp(config, { db, gateway, logger, phoneQuota: quotaWatch, ...(telemetry === undefined ? {} : { telemetry }) });
    for (const plugin of options.plugins ?? []) plugin(app, db);
    undo.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    const stopJobs = startBackgroundJobs(db, logger, {
      catchUpIntervalMs: options.catchUpIntervalMs,
      phoneQuota: { ...phoneQuota, watch: quotaWatch },
    });
    // Undone first: no catch-up pass may start on a closing database.
    undo.push(stopJobs);
    const metricsServer = metrics === undefined || config.metrics === undefined
      ? undefined
      : await (await import('./observability/metrics-server.js')).startMetricsServer({ ...config.metrics, metrics, logger });
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
