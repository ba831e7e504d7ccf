import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SimulatorContext } from '../context.js';
import { ClockBody, FaultBody } from './schemas.js';

/** Fault injection and simulated time, for tests in another process and people at a terminal. */
export function controlRoutes(root: FastifyInstance, ctx: SimulatorContext): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post('/__sim/faults', { schema: { body: FaultBody } }, async (request, reply) => {
    const fault = ctx.faults.add(request.body);
    return reply.code(201).send({ fault, pending: ctx.faults.pending().length });
  });

  app.get('/__sim/faults', async () => ({ faults: ctx.faults.pending() }));

  app.delete('/__sim/faults', async () => ({ cleared: ctx.faults.clear() }));

  app.post('/__sim/clock', { schema: { body: ClockBody } }, async (request) => {
    ctx.clock.advance(request.body.advanceMs);
    return { now: ctx.clock.now() };
  });

  app.get('/__sim/clock', async () => ({ now: ctx.clock.now() }));
}
