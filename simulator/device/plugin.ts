import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { SimulatorContext } from '../context.js';
import { controlRoutes } from './control-routes.js';
import { deviceError } from './device-error.js';
import { reviewRoutes } from './review-routes.js';
import { userRoutes } from './user-routes.js';

/** The device half under `/__sim/…`: zod-validated JSON, bad input answered 400 with a reason. */
export async function devicePlugin(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const reasons = error.validation.map((issue) => `${issue.instancePath.slice(1) || 'body'}: ${issue.message}`);
      return reply.code(400).send(deviceError('INVALID_INPUT', reasons.join('; ')));
    }
    const status = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = error instanceof Error ? error.message : 'bad request';
      return reply.code(status).send(deviceError('INVALID_INPUT', message));
    }
    request.log.error({ err: error }, 'simulator: device route failed');
    return reply.code(500).send(deviceError('SIMULATOR_ERROR', 'the simulator failed; see its log'));
  });

  userRoutes(app, ctx);
  controlRoutes(app, ctx);
  reviewRoutes(app, ctx);
}
