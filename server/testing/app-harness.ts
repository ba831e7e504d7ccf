// Shared set-up for the app's integration tests: the real simulator on loopback, a migrated
// database (PostgreSQL schema or PGlite), the app built by buildApp with a captured log, and
// helpers that act as the phone.

import { fork } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createDeviceClient, createSimulator, type DeviceClient, type Simulator } from '../../simulator/index.js';
import { TEST_DATABASE_URL, type DatabaseTarget, type TestDatabase } from '../../testing/databases.js';
import { buildApp, type AppDeps } from '../app.js';
import { phoneQuotaWatchFor, type PhoneQuotaJob } from '../background-jobs.js';
import { loadConfig, type Config } from '../config.js';
import { createLogger } from '../log.js';
import type { Database } from '../store/database.js';
import { createWeChatGateway } from '../providers/wechat/index.js';
import type { Telemetry } from '../observability/telemetry.js';
import { checkAnswersAgainstDocument } from './openapi-contract.js';

export const APP = { appId: 'wx00000000000000b1', secret: 'app-test-secret-0123456789abcdef' };
/** A second mini program, served by the same server with HarnessOptions.twoApps. */
export const APP2 = { appId: 'wx00000000000000b2', secret: 'app-test-secret-fedcba9876543210' };
export const JWT_SECRET = 'app-test-jwt-secret-0123456789abcdefghij';

export interface HarnessOptions {
  /** Extra environment for loadConfig (rate limits, JWT keys, Redis, …). */
  env?: Record<string, string>;
  rotation?: 'never' | 'always';
  /** Serve APP and APP2 (WECHAT_APPS) instead of APP alone. */
  twoApps?: boolean;
  /** What the first app and its gateway count (createMetrics(…).telemetry). */
  telemetry?: Telemetry;
  /** Give the first app a phone-quota watch (as `miniauth serve` does), its job in `quotaJob`. */
  phoneQuota?: boolean;
}

export interface AppHarness {
  sim: Simulator;
  device: DeviceClient;
  db: TestDatabase;
  config: Config;
  /** The environment the apps were configured from (beyond configFor's defaults). */
  env: Record<string, string>;
  app: FastifyInstance;
  /** Every log line of the apps and gateways built here. */
  logs: string[];
  /** Answers of these apps that did not match their OpenAPI document; close() fails when any. */
  contractViolations: string[];
  /** With options.phoneQuota: the quota job of the first app, its watch the one the console reads. */
  quotaJob: PhoneQuotaJob | undefined;
  /** Moves the apps' clock (tokens, events, revocation cache); the simulator keeps its own. */
  advance(ms: number): void;
  now(): number;
  /** Another app on the same data, as another server process would be (own pool on pg). */
  another(env?: Record<string, string>, deps?: Partial<AppDeps>): Promise<FastifyInstance>;
  /** A new user on the phone, and a login code for them. */
  newUser(): Promise<{ openid: string; code: string }>;
  /** Logs a fresh user in; returns the answer body and the openid. */
  login(openid?: string): Promise<{ openid: string; status: number; body: Record<string, unknown>; token: string }>;
  inject(options: InjectOptions, app?: FastifyInstance): Promise<LightMyRequestResponse>;
  /** How many events of the type (all when absent) the log holds. */
  countEvents(type?: string): Promise<number>;
  close(): Promise<void>;
}

export function configFor(simBase: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'memory',
    WECHAT_APPID: APP.appId,
    WECHAT_SECRET: APP.secret,
    WECHAT_API_BASE: simBase,
    WECHAT_TIMEOUT_MS: '1000',
    JWT_SECRET,
    LOG_LEVEL: 'debug',
    LOGIN_RATE_LIMIT: '0',
    LOGIN_RATE_LIMIT_PER_OPENID: '0',
    ...env,
  });
}

export async function startHarness(target: DatabaseTarget, options: HarnessOptions = {}): Promise<AppHarness> {
  const sim = createSimulator({ apps: options.twoApps ? [APP, APP2] : [APP], rotation: options.rotation ?? 'never' });
  const base = await sim.listen();
  const device = createDeviceClient(base);
  const db = await target.open();
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  let offset = 0;
  const clock = () => Date.now() + offset;
  const apps: FastifyInstance[] = [];
  const contractViolations: string[] = [];

  let quotaJob: PhoneQuotaJob | undefined;

  function build(config: Config, appDb: Database, deps: Partial<AppDeps> = {}, withQuota = false): FastifyInstance {
    const logger = createLogger({ level: 'debug' }, stream);
    const { telemetry } = deps;
    const gateway = createWeChatGateway({
      apiBase: base, apps: config.wechat.apps, timeoutMs: config.wechat.timeoutMs, logger, clock: () => sim.now(),
      ...(telemetry === undefined ? {} : { telemetry }),
    });
    if (withQuota) {
      const job = { config, gateway };
      quotaJob = { ...job, watch: phoneQuotaWatchFor(job, logger) };
    }
    const app = buildApp(config, { db: appDb, gateway, clock, logger, ...(withQuota && quotaJob?.watch && { phoneQuota: quotaJob.watch }), ...deps });
    checkAnswersAgainstDocument(app, contractViolations);
    apps.push(app);
    return app;
  }

  const appsEnv: Record<string, string> = options.twoApps
    ? { WECHAT_APPID: '', WECHAT_SECRET: '', WECHAT_APPS: `${APP.appId}:${APP.secret},${APP2.appId}:${APP2.secret}` }
    : {};
  options = { ...options, env: { ...appsEnv, ...options.env } };
  const config = configFor(base, options.env);
  const app = build(config, db, options.telemetry === undefined ? {} : { telemetry: options.telemetry }, options.phoneQuota === true);
  await app.ready();

  const inject = (request: InjectOptions, target: FastifyInstance = app) => target.inject(request);

  return {
    sim,
    device,
    db,
    config,
    env: options.env ?? {},
    app,
    logs,
    contractViolations,
    quotaJob,
    advance: (ms) => void (offset += ms),
    now: clock,
    async another(env = {}, deps = {}) {
      const other = build(configFor(base, { ...options.env, ...env }), await db.connectAgain(), deps);
      await other.ready();
      return other;
    },
    async newUser() {
      const { openid } = await device.createUser();
      return { openid, code: await device.login(openid) };
    },
    async login(openid) {
      const who = openid ?? (await device.createUser()).openid;
      const code = await device.login(who);
      const response = await inject({ method: 'POST', url: '/wx/login', payload: { code } });
      const body = response.json<Record<string, unknown>>();
      return { openid: who, status: response.statusCode, body, token: String(body['token']) };
    },
    inject,
    async countEvents(type) {
      const { rows } = await db.query<{ n: string | number }>(
        type === undefined ? 'SELECT count(*) AS n FROM events' : 'SELECT count(*) AS n FROM events WHERE type = $1',
        type === undefined ? [] : [type],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await Promise.all(apps.map((each) => each.close()));
      await sim.close();
      await db.close();
      if (contractViolations.length > 0) {
        throw new Error(`answers that do not match the OpenAPI document:\n${[...new Set(contractViolations)].join('\n')}`);
      }
    },
  };
}

/** A server process started by startServerProcess: its URL, and how to stop it. */
export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * The harness's app in a process of its own (./server-process.ts), on the harness's PostgreSQL
 * schema and simulator, with the harness's settings and `env` on top.
 */
export async function startServerProcess(h: AppHarness, env: Record<string, string> = {}): Promise<ServerProcess> {
  if (h.db.kind !== 'pg' || h.db.schema === undefined) throw new Error('a server process shares a PostgreSQL schema only');
  const child = fork(fileURLToPath(new URL('./server-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      MINIAUTH_TEST_SIM_BASE: h.config.wechat.apiBase,
      MINIAUTH_TEST_ENV: JSON.stringify({ ...h.env, ...env }),
      MINIAUTH_TEST_DATABASE_URL: TEST_DATABASE_URL,
      MINIAUTH_TEST_SCHEMA: h.db.schema,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url?: string }) => (message.url ? resolve(message.url) : reject(new Error('no URL from the server process'))));
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it listened`)));
  });
  return {
    url,
    async stop() {
      child.send('stop');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killed);
    },
  };
}
