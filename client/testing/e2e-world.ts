// The whole system for the client's end-to-end tests: the WeChat simulator and the miniauth
// server over real sockets on port 0, a throwaway PostgreSQL schema, and phones running the
// SDK in the simulator's `wx` runtime. Nothing of ours is replaced.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig, SIMULATOR_APP } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { createWeChatGateway } from '../../server/wechat/index.js';
import { createDeviceClient, createSimulator, WxStorage } from '../../simulator/index.js';
import type { DeviceClient, Simulator, WxRuntime } from '../../simulator/index.js';
import { createWxRuntime } from '../../simulator/index.js';
import { openThrowawayPg } from '../../test/support/databases.js';
import type { TestDatabase } from '../../test/support/databases.js';
import { createMiniAuth } from '../index.js';
import type { Clock, MiniAuth, MiniAuthOptions } from '../index.js';
import { wxPlatform } from '../platform/wx-platform.js';

export const PAGES = ['pages/index/index', 'pages/login/index', 'pages/share/index'];

export interface Phone {
  auth: MiniAuth;
  runtime: WxRuntime;
  storage: WxStorage;
}

export interface PhoneOptions extends Partial<Omit<MiniAuthOptions, 'platform' | 'baseURL'>> {
  /** The same phone again (relaunch): its storage. */
  storage?: WxStorage;
  /** Be this WeChat user (a reinstall or a new phone of a known person). */
  openid?: string;
  /** The phone's wall clock (timers stay real). */
  clock?: Clock;
}

export interface WorldOptions {
  /** The server's clock (tokens, events); real time by default. */
  serverClock?: () => number;
}

export interface World {
  apiUrl: string;
  simulatorUrl: string;
  simulator: Simulator;
  device: DeviceClient;
  db: TestDatabase;
  phone(options?: PhoneOptions): Phone;
  /** Event types in the log, oldest first. */
  events(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const simulator = createSimulator({ apps: [SIMULATOR_APP] });
  const simulatorUrl = await simulator.listen({ host: '127.0.0.1' });
  const db = await openThrowawayPg();
  const config = loadConfig({
    NODE_ENV: 'test',
    WECHAT_APPID: SIMULATOR_APP.appId,
    WECHAT_SECRET: SIMULATOR_APP.secret,
    WECHAT_API_BASE: simulatorUrl,
    DATABASE_URL: 'memory',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT: '0',
    LOGIN_RATE_LIMIT_PER_OPENID: '0',
    REVOCATION_TTL_MS: '0',
  });
  const logger = createLogger({ level: 'silent' });
  const gateway = createWeChatGateway({ apiBase: simulatorUrl, apps: config.wechat.apps, logger });
  const app: FastifyInstance = buildApp(config, {
    db, gateway, logger, ...(options.serverClock ? { clock: options.serverClock } : {}),
  });
  const apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const phones: Phone[] = [];

  return {
    apiUrl,
    simulatorUrl,
    simulator,
    device: createDeviceClient(simulatorUrl),
    db,
    phone(options: PhoneOptions = {}) {
      const { storage = new WxStorage(), openid, clock, ...sdkOptions } = options;
      const runtime = createWxRuntime({
        simulatorUrl, appId: SIMULATOR_APP.appId, storage, pages: PAGES, ...(openid ? { openid } : {}),
      });
      const platform = { ...wxPlatform(runtime.wx), ...(clock ? { clock } : {}) };
      const auth = createMiniAuth({ baseURL: apiUrl, platform, ...sdkOptions });
      const phone = { auth, runtime, storage };
      phones.push(phone);
      return phone;
    },
    async events() {
      const { rows } = await db.query<{ type: string }>('SELECT type FROM events ORDER BY global_position');
      return rows.map((row) => row.type);
    },
    async close() {
      for (const phone of phones) phone.auth.stop();
      await app.close();
      await simulator.close();
      await db.close();
    },
  };
}

/** Waits (real time, short steps) until the check holds; fails with `what` if it never does. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
