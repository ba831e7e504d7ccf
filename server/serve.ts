// Starts the whole service, as `npm start` and `miniauth serve` run it: the database
// (migrated), the embedded WeChat simulator when no credentials are configured, the HTTP app,
// and the async projection of failed logins on a timer. close() stops them in reverse order.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { openConfiguredDatabase } from './cli/database.js';
import type { Config } from './config.js';
import { createLogger } from './log.js';
import { migrate, type Database } from './store/index.js';
import { catchUpLoginFailures } from './users/index.js';
import { createWeChatGateway } from './wechat/index.js';
import { createSimulator, type Simulator } from '../simulator/server.js';

export interface ServeOptions {
  /** Default: a pino logger at config.logLevel on stdout. */
  logger?: Logger;
  /** How often failed logins are projected into `login_failures` (default 5 s). */
  catchUpIntervalMs?: number;
}

export interface RunningServer {
  config: Config;
  /** The base URL a client on this machine uses, e.g. http://127.0.0.1:3000 (the real port when PORT=0). */
  url: string;
  /** The embedded simulator's base URL; undefined when talking to real WeChat. */
  simulatorUrl: string | undefined;
  /** Migrations applied by this start (empty when the schema was up to date). */
  migrationsApplied: string[];
  app: FastifyInstance;
  db: Database;
  /** Closes the app, then the simulator, then the database; safe to call twice. */
  close(): Promise<void>;
}

const CATCH_UP_INTERVAL_MS = 5_000;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** Where a client on this machine reaches a server bound to `host` (a wildcard is reached on loopback). */
function reachableHost(host: string): string {
  if (WILDCARD_HOSTS.has(host)) return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function boundPort(app: FastifyInstance): number {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on TCP');
  return address.port;
}

/** Runs `catchUpLoginFailures` every interval; a pass never overlaps the next. */
function followLoginFailures(db: Database, logger: Logger, intervalMs: number): () => Promise<void> {
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

export async function startServer(config: Config, options: ServeOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Undo what was started when a later step fails (a port in use must not leave the PGlite lock held).
  const undo: Array<() => Promise<void>> = [];
  const unwind = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) {
      await step().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };

  try {
    const db = await openConfiguredDatabase(config);
    undo.push(() => db.close());
    const migrationsApplied = await migrate(db);

    let simulator: Simulator | undefined;
    let simulatorUrl: string | undefined;
    let apiBase = config.wechat.apiBase;
    if (config.wechat.mode === 'simulator') {
      simulator = createSimulator({ apps: config.wechat.apps, logger: false });
      const sim = simulator;
      undo.push(() => sim.close());
      const listened = new URL(await simulator.listen({ port: config.wechat.simPort, host: config.host }));
      // Bound to a wildcard, the simulator is still called on loopback (SIM_PORT=0: on the port it got).
      simulatorUrl = `http://${reachableHost(listened.hostname)}:${listened.port}`;
      apiBase = simulatorUrl;
    }
    const gateway = createWeChatGateway({
      apiBase,
      apps: config.wechat.apps,
      timeoutMs: config.wechat.timeoutMs,
      logger: logger.child({ component: 'wechat' }),
    });

    const app = buildApp(config, { db, gateway, logger });
    if (simulatorUrl !== undefined) void app.register(import('../playground/plugin.js'), { config, db, simulatorUrl });
    undo.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    const stopFollowing = followLoginFailures(db, logger, options.catchUpIntervalMs ?? CATCH_UP_INTERVAL_MS);
    // Undone first: no catch-up pass may start on a closing database.
    undo.push(stopFollowing);

    let closing: Promise<void> | undefined;
    return {
      config,
      url: `http://${reachableHost(config.host)}:${boundPort(app)}`,
      simulatorUrl,
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
