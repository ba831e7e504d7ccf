// The whole server side as the end-to-end suites run it: the WeChat simulator and the miniauth
// server over real sockets on port 0, on a throwaway PostgreSQL schema. Nothing of ours is
// replaced; only the limits that would get in a test's way are off.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { loadConfig, SIMULATOR_APP } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { createWeChatGateway } from '../server/providers/wechat/index.js';
import { createSimulator, type Simulator } from '../simulator/index.js';
import { openThrowawayPg, type TestDatabase } from './databases.js';

export interface ServerUnderTest {
  apiUrl: string;
  simulatorUrl: string;
  appId: string;
  simulator: Simulator;
  db: TestDatabase;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startServerUnderTest(options: { clock?: () => number } = {}): Promise<ServerUnderTest> {
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
    app = buildApp(config, { db, gateway, logger, ...(options.clock ? { clock: options.clock } : {}) });
    const apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const [database, server] = [db, app];
    return {
      apiUrl,
      simulatorUrl,
      appId: SIMULATOR_APP.appId,
      simulator,
      db: database,
      app: server,
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
