// `/playground` on the running server (simulator mode only, never in production): the page,
// its script (built on first request), a read-only view of a user's server events, and a
// same-origin path to the simulator's device half, so the browser's phone needs no CORS
// anywhere: the page, the API and the simulator are all on this server's origin.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../server/config.js';
import { AppError } from '../server/errors.js';
import { errorBody } from '../server/routes/error-answers.js';
import type { Database } from '../server/store/index.js';
import { buildPlaygroundScript, PlaygroundUnavailableError } from './bundle.js';
import { inlineSvg, playgroundPage } from './page.js';
import { forwardToSimulator, SIMULATOR_PATH } from './simulator-path.js';
import { readUserEvents } from './user-events.js';

export interface PlaygroundOptions {
  config: Config;
  db: Database;
  /** The embedded simulator's base URL (the development root's `simulatorUrl`). */
  simulatorUrl: string;
}

const CHART_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'diagrams', 'machine.svg');

const EventsQuery = z.object({
  openid: z.string().trim().min(1).max(128),
  /** Failed logins without an openid are shown from this time on (the phone's start). */
  since: z.iso.datetime().optional(),
});

/** Memoised, but a failed build is tried again on the next request (after a fix on disk). */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The playground exists only beside the simulator, which production refuses anyway. */
export function assertPlaygroundAllowed(config: Config): void {
  if (config.env === 'production' || config.wechat.mode !== 'simulator') {
    throw new Error('the playground runs only on the WeChat simulator, never in production');
  }
}

export const playgroundPlugin: FastifyPluginAsync<PlaygroundOptions> = async (root, options) => {
  const { config, db, simulatorUrl } = options;
  assertPlaygroundAllowed(config);
  const app = root.withTypeProvider<ZodTypeProvider>();
  const appIds = config.wechat.apps.map((entry) => entry.appId);
  const script = once(buildPlaygroundScript);
  const page = once(async () => {
    const svg = await readFile(CHART_FILE, 'utf8').then(inlineSvg, () => null);
    return playgroundPage(
      { appId: appIds[0] ?? '', simulatorPath: SIMULATOR_PATH, tokenTtlSeconds: config.jwt.ttlSeconds },
      svg,
    );
  });

  // The playground's own routes stay out of the API's OpenAPI document.
  const hidden = { hide: true } as const;

  app.get('/playground', { schema: hidden }, async (_request, reply) => reply.redirect('/playground/'));
  app.get('/playground/', { schema: hidden }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(await page()));

  app.get('/playground/app.js', { schema: hidden }, async (_request, reply) => {
    try {
      const code = await script();
      return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(code);
    } catch (error) {
      if (!(error instanceof PlaygroundUnavailableError)) throw error;
      return reply.code(503).send(errorBody(new AppError('PLAYGROUND_UNAVAILABLE', error.message)));
    }
  });

  app.get('/playground/api/events', { schema: { ...hidden, querystring: EventsQuery } }, async (request) => {
    const { openid, since } = request.query;
    return readUserEvents(db, appIds, openid, since === undefined ? undefined : new Date(since));
  });

  forwardToSimulator(app, simulatorUrl);
};

// The development root (dev/start.ts) registers it with `app.register(import(…))`, so that the
// playground's code is loaded only in simulator mode.
export default playgroundPlugin;
