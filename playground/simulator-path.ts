// The browser's phone reaches the simulator's device half (`/__sim/…`: the user, wx.login
// codes, the consent dialogs' payloads, the phone button, fault injection) through this
// server, on the page's own origin: the simulator needs no CORS, and only its device paths
// are reachable this way (its WeChat server API is the server's business, not the phone's).

import type { FastifyInstance } from 'fastify';
import { AppError } from '../server/errors.js';
import { errorBody } from '../server/routes/error-answers.js';

export const SIMULATOR_PATH = '/playground/sim';

const FORWARD_TIMEOUT_MS = 10_000;
// Device paths only: no `..` or encoded characters that could step out of /__sim/.
const DEVICE_PATH = /^\/__sim\/[\w/-]+(?:\?[^#]*)?$/;

export function forwardToSimulator(app: FastifyInstance, simulatorUrl: string): void {
  const base = simulatorUrl.replace(/\/+$/, '');
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: `${SIMULATOR_PATH}/__sim/*`,
    schema: { hide: true },
    handler: async (request, reply) => {
      const path = request.url.slice(SIMULATOR_PATH.length);
      if (!DEVICE_PATH.test(path)) {
        return reply.code(404).send(errorBody(new AppError('NOT_FOUND', "The playground forwards only the simulator's device paths.")));
      }
      const hasBody = request.method === 'POST';
      let answer: Response;
      try {
        answer = await fetch(`${base}${path}`, {
          method: request.method,
          ...(hasBody ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body ?? {}) } : {}),
          signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
        });
      } catch {
        return reply.code(502).send(errorBody(new AppError('SIMULATOR_UNREACHABLE', 'The WeChat simulator did not answer.')));
      }
      const type = answer.headers.get('content-type') ?? 'application/json; charset=utf-8';
      return reply.code(answer.status).type(type).send(await answer.text());
    },
  });
}
