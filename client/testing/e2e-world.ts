// The whole system for the client's end-to-end tests: the WeChat simulator and the miniauth
// server over real sockets on port 0, a throwaway PostgreSQL schema, and phones running the
// SDK in the simulator's `wx` runtime. Nothing of ours is replaced.

import { afterAll, beforeAll } from 'vitest';
import { SIMULATOR_APP } from '../../server/config.js';
import { createDeviceClient, WxStorage } from '../../simulator/index.js';
import type { DeviceClient, Simulator, WxRuntime, WxRuntimeOptions } from '../../simulator/index.js';
import { createWxRuntime } from '../../simulator/index.js';
import type { TestDatabase } from '../../testing/databases.js';
import { startServerUnderTest } from '../../testing/server-under-test.js';
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
  /** WeChat's side of the phone: its clock (the privacy gap, wx.login's rule) and the privacy guide's state. */
  device?: Pick<WxRuntimeOptions, 'clock' | 'privacy'>;
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
  /** A phone with nothing of miniauth on it yet: a framework's app brings the SDK itself. */
  runtime(options?: Pick<PhoneOptions, 'storage' | 'openid'>): WxRuntime;
  /** Event types in the log, oldest first. */
  events(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const server = await startServerUnderTest(options.serverClock ? { clock: options.serverClock } : {});
  const { apiUrl, simulatorUrl, simulator, db } = server;
  const phones: Phone[] = [];
  const newRuntime = ({ storage = new WxStorage(), openid, device }: Pick<PhoneOptions, 'storage' | 'openid' | 'device'> = {}) =>
    createWxRuntime({ simulatorUrl, appId: SIMULATOR_APP.appId, storage, pages: PAGES, ...(openid ? { openid } : {}), ...device });

  return {
    apiUrl,
    simulatorUrl,
    simulator,
    device: createDeviceClient(simulatorUrl),
    db,
    runtime: newRuntime,
    phone(options: PhoneOptions = {}) {
      const { storage = new WxStorage(), openid, clock, device, ...sdkOptions } = options;
      const runtime = newRuntime({ storage, ...(openid ? { openid } : {}), ...(device ? { device } : {}) });
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
      await server.close();
    },
  };
}

/** One world for a test file: started before its first test, closed after its last. */
export function worldForThisFile(options: WorldOptions = {}): () => World {
  let world: World | undefined;
  beforeAll(async () => {
    world = await startWorld(options);
  });
  afterAll(() => world?.close());
  return () => {
    if (!world) throw new Error('the world starts in beforeAll');
    return world;
  };
}

/**
 * Waits (real time, short steps) until the check holds; fails with `what` if it never does.
 * A step here (a login, a consent) takes 20–200 ms alone and a few seconds on a busy machine;
 * the 10 s default is for a step that never comes, and stays under the 30 s test timeout so
 * the failure names it.
 */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
