// GET /healthz (the process answers) and GET /readyz (and its database does).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DatabaseUnavailableError } from '../store/errors.js';
import type { Database } from '../store/database.js';
import * as wire from './schemas.js';

// A database that hangs (a dead host, a full pool) must not hang the probe.
const READINESS_TIMEOUT_MS = 2_000;

async function databaseAnswers(db: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([db.query('SELECT 1').then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const statusAnswer = z.object({ code: z.literal(1), status: z.string() });

export const healthRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get('/healthz', {
    schema: { tags: ['health'], summary: 'Liveness', description: 'Answers while the process serves requests; it looks at nothing else.', response: { 200: statusAnswer, ...wire.failures } },
  }, async () => ({ code: 1 as const, status: 'ok' }));

  app.get('/readyz', {
    schema: { tags: ['health'], summary: 'Readiness: the database answers', description: 'Answers 503 while the database does not answer within 2 s: take the process out of rotation.', response: { 200: statusAnswer, ...wire.failures } },
  }, async () => {
    if (!(await databaseAnswers(db))) throw new DatabaseUnavailableError();
    return { code: 1 as const, status: 'ready' };
  });
};
