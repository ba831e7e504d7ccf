// The server under load, in its own process: configured from the environment as `npm start`
// is (loadConfig), counting metrics when METRICS_PORT is set (the bench sets it), on PostgreSQL in the bench's throwaway schema (BENCH_SCHEMA), talking to the
// simulator in the parent over loopback, with the bench's route pair added. Answers one request,
// `{ type: 'url' }` with where it listens and `{ type: 'cpu' }` with the CPU time it has used;
// `stop` closes the app and the pool.

import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { createMetrics } from '../server/observability/metrics.js';
import { openDatabase, migrate } from '../server/store/index.js';
import { createTokenService, createUserCache } from '../server/tokens/index.js';
import { createUserEventStore, Users } from '../server/users/index.js';
import { createWeChatGateway } from '../server/providers/wechat/index.js';
import { benchRoutes } from './bench-routes.js';
import { serveRequests } from './child.js';

const config = loadConfig(process.env);
if (config.database.kind !== 'postgres') throw new Error('the bench server runs on PostgreSQL: DATABASE_URL=postgres://…');
const schema = process.env['BENCH_SCHEMA'];
const db = await openDatabase(config.database.url, schema === undefined ? {} : { schema });
await migrate(db);
const logger = createLogger({ level: config.logLevel });
// Counting on, as in production with METRICS_PORT set: the figures include what metrics cost.
const telemetry = config.metrics === undefined ? undefined : createMetrics({ db }).telemetry;
const gateway = createWeChatGateway({
  apiBase: config.wechat.apiBase,
  apps: config.wechat.apps,
  timeoutMs: config.wechat.timeoutMs,
  logger: logger.child({ component: 'wechat' }),
  ...(telemetry === undefined ? {} : { telemetry }),
});
const app = buildApp(config, { db, gateway, logger, ...(telemetry === undefined ? {} : { telemetry }) });

// The hook's services built as buildApp builds its own: the same keys, TTL and version source.
const users = new Users(createUserEventStore(db));
const appIds = config.wechat.apps.map((each) => each.appId);
const versions = createUserCache({ ttlMs: config.revocationTtlMs, load: (userId) => users.findById(userId) });
await app.register(benchRoutes, {
  tokens: createTokenService({ keys: config.jwt.keys, ttlSeconds: config.jwt.ttlSeconds, audience: appIds }),
  versions,
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });

serveRequests(
  async (message) => {
    if (message['type'] === 'url') return url;
    // CPU time used so far (µs, user + system): the bench divides a phase's share by its requests.
    if (message['type'] === 'cpu') {
      const { user, system } = process.cpuUsage();
      return user + system;
    }
    throw new Error(`unknown request ${String(message['type'])}`);
  },
  async () => {
    await app.close();
    await versions.close();
    await db.close();
  },
);
