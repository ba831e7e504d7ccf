// What a running miniauth does besides answering requests, started by `miniauth serve`
// (./start.ts) and by the embedded plugin (./embed.ts) alike: the async projection of failed
// logins into `login_failures`, and the phone-number quota read from WeChat, on timers. A new
// background job belongs here, so that both run it.

import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Telemetry } from './observability/telemetry.js';
import { createLoginProviders } from './providers/login-providers.js';
import { createWeChatLoginProvider, type WeChatGateway } from './providers/wechat/index.js';
import { createPhoneQuotaWatch, type PhoneQuotaWatch } from './services/phone-quota.js';
import type { Database } from './store/index.js';
import { catchUpLoginFailures } from './users/index.js';

export interface BackgroundJobOptions {
  /** How often failed logins are projected into `login_failures` (default 5 s). */
  catchUpIntervalMs?: number;
}

/** The phone-number quota watch's needs: its settings (config.phoneQuota), WeChat, and metrics. */
export interface PhoneQuotaJob {
  config: Pick<Config, 'phoneQuota' | 'wechat'>;
  gateway: WeChatGateway;
  telemetry?: Telemetry;
  /** The watch to refresh, shared with whoever shows its readings (the console); by default a new one. */
  watch?: PhoneQuotaWatch;
}

/** The logging the jobs need: a pino logger or fastify's `app.log`. */
export type JobLogger = Pick<FastifyBaseLogger, 'debug' | 'warn' | 'error'>;

const CATCH_UP_INTERVAL_MS = 5_000;

/** Runs `catchUpLoginFailures` every interval; a pass never overlaps the next. Resolves when stopped. */
export function followLoginFailures(db: Database, logger: JobLogger, intervalMs: number): () => Promise<void> {
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

/** The configured WeChat apps' quota watch (readings kept for config.phoneQuota.pollSeconds), telling the metrics. */
export function phoneQuotaWatchFor({ config, gateway, telemetry }: Omit<PhoneQuotaJob, 'watch'>, logger: JobLogger): PhoneQuotaWatch {
  const appIds = config.wechat.apps.map((app) => app.appId);
  return createPhoneQuotaWatch({
    providers: createLoginProviders([createWeChatLoginProvider(gateway, appIds)]),
    warnBelow: config.phoneQuota.warnBelow,
    maxAgeMs: config.phoneQuota.pollSeconds * 1000,
    clock: Date.now,
    logger,
    ...(telemetry === undefined ? {} : { onReading: (reading) => telemetry.phoneQuota(reading.appId, reading.left, reading.used) }),
  });
}

/**
 * Reads each app's phone-number quota every interval (the watch warns in the log when a package
 * runs low, and tells the metrics); the first read at once. One refresher per process; a pass
 * never overlaps the next.
 */
export function watchPhoneQuota(job: PhoneQuotaJob, logger: JobLogger): () => Promise<void> {
  const { config } = job;
  const appIds = config.wechat.apps.map((app) => app.appId);
  const watch = job.watch ?? phoneQuotaWatchFor(job, logger);
  let running: Promise<unknown> = watch.refreshAll(appIds);
  const timer = setInterval(() => {
    running = running.then(() => watch.refreshAll(appIds));
  }, config.phoneQuota.pollSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** Starts every background job on a migrated database; the function returned stops them all. */
export function startBackgroundJobs(
  db: Database,
  logger: JobLogger,
  options: BackgroundJobOptions & { phoneQuota?: PhoneQuotaJob } = {},
): () => Promise<void> {
  const stops = [followLoginFailures(db, logger, options.catchUpIntervalMs ?? CATCH_UP_INTERVAL_MS)];
  const quota = options.phoneQuota;
  if (quota !== undefined && quota.config.phoneQuota.pollSeconds > 0) stops.push(watchPhoneQuota(quota, logger));
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
