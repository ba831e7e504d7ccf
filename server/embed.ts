// miniauth inside an existing fastify app: one plugin that does all `miniauth serve` does
// except listen: it opens and migrates the configured database, talks to WeChat, serves every
// route under the prefix it is registered with, logs with the app's logger, runs the
// background jobs (./background-jobs.ts), and closes all of it when the app closes.
//
//   const app = Fastify({ logger: true });
//   await app.register(miniauth, { prefix: '/auth', config: defineConfig({ … }) });
//   await app.listen({ port: 3000 });      // POST /auth/wx/login, GET /auth/me, …

import type { FastifyPluginAsync } from 'fastify';
import { miniauthRoutes, type AppDeps } from './app.js';
import { phoneQuotaWatchFor, startBackgroundJobs, type BackgroundJobOptions } from './background-jobs.js';
import { ConfigError, databaseUrlOf, type Config } from './config.js';
import { createWeChatGateway } from './providers/wechat/index.js';
import { migrate, openDatabase } from './store/index.js';

export interface MiniAuthPluginOptions extends BackgroundJobOptions, Partial<Omit<AppDeps, 'logger'>> {
  /** From defineConfig({ … }) or loadConfig(). */
  config: Config;
  /**
   * A migrated database of your own, left open on close. Default: config.database, opened
   * and migrated at registration and closed with the app.
   */
  db?: AppDeps['db'];
  /** Default: WeChat at config.wechat.apiBase for config.wechat.apps, logging with the app's logger. */
  gateway?: AppDeps['gateway'];
}

export const miniauth: FastifyPluginAsync<MiniAuthPluginOptions> = async (app, options) => {
  // Picked one by one: the options also hold fastify's own (prefix), which must not apply twice.
  const { config, db: givenDb, gateway: givenGateway, catchUpIntervalMs, loginProviders, clock, redis, telemetry, phoneQuota: givenWatch } = options;
  const deps = { ...(loginProviders && { loginProviders }), ...(clock && { clock }), ...(redis && { redis }), ...(telemetry && { telemetry }) };
  if (config.wechat.mode === 'simulator' && givenGateway === undefined) {
    throw new ConfigError(['wechat.apps (WECHAT_APPID/WECHAT_SECRET or WECHAT_APPS): required; set wechat.apiBase to a simulator\'s URL to log in against one']);
  }
  const db = givenDb ?? (await openDatabase(databaseUrlOf(config.database), { nodeEnv: config.env }));
  let gatewayInUse: AppDeps['gateway'] | undefined;
  let quotaWatch: NonNullable<AppDeps['phoneQuota']> | undefined;
  try {
    if (givenDb === undefined) await migrate(db);
    const gateway = givenGateway ?? createWeChatGateway({
      apiBase: config.wechat.apiBase,
      apps: config.wechat.apps,
      timeoutMs: config.wechat.timeoutMs,
      logger: app.log.child({ component: 'wechat' }),
      ...(telemetry && { telemetry }),
    });
    gatewayInUse = gateway;
    // One quota watch: the background job refreshes it, the console shows its readings.
    quotaWatch = givenWatch ?? phoneQuotaWatchFor({ config, gateway, ...(telemetry && { telemetry }) }, app.log);
    await app.register(miniauthRoutes, { config, db, gateway, phoneQuota: quotaWatch, ...deps });
  } catch (error) {
    if (givenDb === undefined) await db.close();
    throw error;
  }

  let stopJobs: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopJobs = startBackgroundJobs(db, app.log, {
      ...(catchUpIntervalMs === undefined ? {} : { catchUpIntervalMs }),
      ...(gatewayInUse === undefined ? {} : { phoneQuota: { config, gateway: gatewayInUse, ...(telemetry && { telemetry }), ...(quotaWatch && { watch: quotaWatch }) } }),
    });
  });
  // After the routes' own onClose hooks (registered first), the jobs, then the database.
  app.addHook('onClose', async () => {
    await stopJobs?.();
    if (givenDb === undefined) await db.close();
  });
};
