// The app in a Node process of its own, on the same PostgreSQL schema and simulator as a test's
// harness: what "another server process" means for races, with its own pool, cache and event
// loop. Started by `startServerProcess`; told its settings in the environment; answers its URL
// over IPC once it listens and closes on a `stop` message.

import { buildApp } from '../app.js';
import { createLogger } from '../log.js';
import { createWeChatGateway } from '../providers/wechat/index.js';
import { openDatabase } from '../store/index.js';
import { configFor } from './app-harness.js';

const read = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`server-process: ${name} is not set`);
  return value;
};

const simBase = read('MINIAUTH_TEST_SIM_BASE');
const config = configFor(simBase, JSON.parse(read('MINIAUTH_TEST_ENV')) as Record<string, string>);
const db = await openDatabase(read('MINIAUTH_TEST_DATABASE_URL'), { schema: read('MINIAUTH_TEST_SCHEMA') });
const logger = createLogger({ level: 'silent' });
const gateway = createWeChatGateway({ apiBase: simBase, apps: config.wechat.apps, timeoutMs: config.wechat.timeoutMs, logger });
const app = buildApp(config, { db, gateway, logger });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ url });
process.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  void app.close().then(() => db.close()).finally(() => process.exit(0));
});
