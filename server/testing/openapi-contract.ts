// The contract between the server and its OpenAPI document, checked on every answer the
// integration tests see: each app built by the app harness validates what it sends against
// the document it serves (the status must be one the operation lists, the body must match
// that status's schema), and the harness fails on close if any answer did not.

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';

type Json = Record<string, any>;

const DOCUMENT_ROUTE = '/openapi.json';

const pointer = (...parts: string[]): string => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export interface AnswerContract {
  /** A mismatch as one line, or undefined when the answer is what the document says. */
  check(method: string, route: string, status: number, payload: unknown): string | undefined;
}

/** Checks answers against an OpenAPI 3.1 document (its schemas are JSON Schema 2020-12). */
export function answerContract(document: Json): AnswerContract {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajv.addSchema({ ...document, $id: 'openapi' });
  const validators = new Map<string, ValidateFunction>();

  return {
    check(method, route, status, payload) {
      const operation = document['paths']?.[route]?.[method.toLowerCase()] as Json | undefined;
      if (operation === undefined) return undefined; // not documented: the docs page, the document itself
      const name = `${method} ${route} → ${status}`;
      const response = operation['responses']?.[String(status)] as Json | undefined;
      if (response === undefined) {
        const hint = operation['operationId'] === undefined ? '; a new route needs its entry in server/routes/operations.ts' : '';
        return `${name}: the document lists no ${status} for this operation (${Object.keys(operation['responses'] ?? {}).join(', ')})${hint}`;
      }
      if (response['content']?.['application/json']?.['schema'] === undefined) return undefined;
      const key = `${method} ${route} ${status}`;
      let validate = validators.get(key);
      if (validate === undefined) {
        validate = ajv.compile({ $ref: `openapi#/${pointer('paths', route, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}` });
        validators.set(key, validate);
      }
      let body: unknown;
      try {
        body = typeof payload === 'string' ? JSON.parse(payload) : payload;
      } catch {
        return `${name}: the body is not JSON`;
      }
      if (validate(body)) return undefined;
      return `${name}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 300)}`;
    },
  };
}

/**
 * Has the app check every answer it sends against its own /openapi.json; call before ready().
 * The mismatches go to `violations`.
 */
export function checkAnswersAgainstDocument(app: FastifyInstance, violations: string[]): void {
  let contract: Promise<AnswerContract> | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (route === undefined || route === DOCUMENT_ROUTE) return payload;
    contract ??= app.inject({ method: 'GET', url: DOCUMENT_ROUTE }).then((answer) => answerContract(answer.json<Json>()));
    const violation = (await contract).check(request.method, route, reply.statusCode, payload);
    if (violation !== undefined) violations.push(violation);
    return payload;
  });
}
