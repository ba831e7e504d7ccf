// The OpenAPI document, generated from the routes' zod schemas, at /openapi.json, and the
// Swagger UI at /docs (its static files come from the package: no network needed). The UI is
// an optional peer dependency: without @fastify/swagger-ui installed, /docs is not served.

import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { isMissingPackage } from '../errors.js';
import { completeDocument } from './operations.js';

export const DOCS_UI_PACKAGE = '@fastify/swagger-ui';

async function loadDocsUi(): Promise<typeof import('@fastify/swagger-ui').default | undefined> {
  try {
    return (await import('@fastify/swagger-ui')).default;
  } catch (error) {
    if (isMissingPackage(error, DOCS_UI_PACKAGE)) return undefined;
    throw error;
  }
}

/** Register before any route: @fastify/swagger collects routes as they are added. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'miniauth',
        version,
        description: 'WeChat mini program login. Every failure answers `{ code, error, message }`: code -1 means the login is gone (log in again), 0 any other failure; success answers code 1.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          tokenHeader: { type: 'apiKey', in: 'header', name: 'token', description: 'Older mini program clients send the token in a `token` header' },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Ids, exact error statuses and the rest the routes' schemas cannot say (./operations.ts).
    transformObject: (input) => completeDocument(jsonSchemaTransformObject(input), app.prefix),
  });
  const ui = await loadDocsUi();
  if (ui === undefined) app.log.info(`the docs page (/docs) is off: \`npm install ${DOCS_UI_PACKAGE}\` to serve it`);
  else await app.register(ui, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
