// The server's OpenAPI document, taken from a built app exactly as a client fetches it
// (GET /openapi.json): an in-memory PGlite database and a gateway that is never called.

import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { openDatabase } from '../../server/store/open-database.js';
import { migrate } from '../../server/store/migrate.js';
import { createWeChatGateway } from '../../server/providers/wechat/index.js';

/** Nothing listens here: building the document calls no WeChat API. */
const UNUSED_WECHAT = 'http://127.0.0.1:9';

export async function loadOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'memory',
    LOG_LEVEL: 'silent',
    WECHAT_APPID: 'wx00000000000000d0',
    WECHAT_SECRET: 'docs-app-secret-0123456789abcdef',
    WECHAT_API_BASE: UNUSED_WECHAT,
    JWT_SECRET: 'docs-jwt-secret-0123456789abcdefghijklmn',
  });
  const db = await openDatabase('memory');
  try {
    await migrate(db);
    const logger = createLogger({ level: 'silent' });
    const gateway = createWeChatGateway({ apiBase: UNUSED_WECHAT, apps: config.wechat.apps, timeoutMs: config.wechat.timeoutMs, logger });
    const app = buildApp(config, { db, gateway, logger });
    try {
      await app.ready();
      const response = await app.inject({ method: 'GET', url: '/openapi.json' });
      if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`);
      return response.json<Record<string, unknown>>();
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}
