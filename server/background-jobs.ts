// What a running miniauth does besides answering requests, started by `miniauth serve`
// (./start.ts) and by the embedded plugin (./embed.ts) alike: the async projection of failed
// logins into `login_failures`, on a timer. A new background job belongs here, so that both
// run it.

import type { FastifyBaseLogger } from 'fastify';
import type { Database } from './store/index.js';
import { catchUpLoginFailures } from './users/index.js';

export interface BackgroundJobOptions {
  /** How often failed logins are projected into `login_failures` (default 5 s). */
  catchUpIntervalMs?: number;
}

/** The logging the jobs need: a pino logger or fastify's `app.log`. */
export type JobLogger = Pick<FastifyBaseLogger, 'debug' | 'warn'>;

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

/** Starts every background job on a migrated database; the function returned stops them all. */
export function startBackgroundJobs(db: Database, logger: JobLogger, options: BackgroundJobOptions = {}): () => Promise<void> {
  const stops = [followLoginFailures(db, logger, options.catchUpIntervalMs ?? CATCH_UP_INTERVAL_MS)];
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
