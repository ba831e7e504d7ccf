// The real system the paths run against: the WeChat simulator and the miniauth server over real
// sockets on port 0, a throwaway PostgreSQL schema, and one clock for the server and the phones
// that a path can move forward ("a week later"). Nothing of ours is replaced.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig, SIMULATOR_APP } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { createWeChatGateway } from '../../server/wechat/index.js';
import { createDeviceClient, createSimulator } from '../../simulator/index.js';
import type { DeviceClient, Simulator } from '../../simulator/index.js';
import { openThrowawayPg } from '../../test/support/databases.js';
import type { TestDatabase } from '../../test/support/databases.js';

export interface SystemWorld {
  apiUrl: string;
  simulatorUrl: string;
  appId: string;
  simulator: Simulator;
  device: DeviceClient;
  /** World time: the server's clock and every phone's wall clock. */
  now(): number;
  advance(ms: number): void;
  /** Where the event log ends now; `eventsSince` lists the types appended after it. */
  eventCursor(): Promise<number>;
  eventsSince(cursor: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSystem(): Promise<SystemWorld> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const simulator = createSimulator({ apps: [SIMULATOR_APP] });
  const simulatorUrl = await simulator.listen({ host: '127.0.0.1' });
  let db: TestDatabase | undefined;
  let app: FastifyInstance | undefined;
  try {
    db = await openThrowawayPg();
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
    app = buildApp(config, { db, gateway, logger, clock: now });
    const apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const database = db;
    const server = app;
    return {
      apiUrl,
      simulatorUrl,
      appId: SIMULATOR_APP.appId,
      simulator,
      device: createDeviceClient(simulatorUrl),
      now,
      advance(ms) {
        offset += ms;
      },
      async eventCursor() {
        const { rows } = await database.query<{ position: string | null }>('SELECT max(global_position) AS position FROM events');
        return Number(rows[0]?.position ?? 0);
      },
      async eventsSince(cursor) {
        const { rows } = await database.query<{ type: string }>(
          'SELECT type FROM events WHERE global_position > $1 ORDER BY global_position', [cursor],
        );
        return rows.map((row) => row.type);
      },
      async close() {
        await server.close();
        await simulator.close();
        await database.close();
      },
    };
  } catch (error) {
    await app?.close();
    await simulator.close();
    await db?.close();
    throw error;
  }
}
