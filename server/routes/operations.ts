// What the OpenAPI document says of each operation beyond its route's own schema: a stable
// operationId, what a success means, and the exact error answers, as error codes (each code's
// status comes from the one table in ./error-answers.ts). ./docs.ts applies it while the
// document is generated; a route missing here fails its test (server/routes/openapi.int.test.ts).

import { statusOf, type KnownCode } from './error-answers.js';

export interface OperationFacts {
  operationId: string;
  /** The description of the success answer. */
  success: string;
  /** Every `error` this operation may answer with. */
  errors: readonly KnownCode[];
  /** The success answer's media type when it is not JSON (WeChat's message endpoint answers text). */
  successType?: 'text/plain';
}

/** Any route: our bug, or the process overloaded. */
const ANY: readonly KnownCode[] = ['INTERNAL', 'SERVICE_UNAVAILABLE'];
/** A route that reads or writes the database. */
const STORE: readonly KnownCode[] = ['DATABASE_UNAVAILABLE'];
/** A write that retries on a concurrent change a bounded number of times. */
const WRITE: readonly KnownCode[] = [...STORE, 'CONCURRENCY_CONFLICT', 'USER_NOT_FOUND', 'USER_ERASED'];
/** A route with a JSON body. */
const BODY: readonly KnownCode[] = ['VALIDATION_FAILED', 'BAD_REQUEST', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];
/** A route behind the auth hook. */
const SIGNED_IN: readonly KnownCode[] = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED'];
/** A call to WeChat's server API. */
const WECHAT: readonly KnownCode[] = [
  'WECHAT_BUSY', 'WECHAT_RATE_LIMITED', 'WECHAT_MISCONFIGURED', 'WECHAT_ACCESS_TOKEN_INVALID', 'WECHAT_ERROR', 'WECHAT_TIMEOUT', 'WECHAT_UNAVAILABLE',
];
/** A nickname or avatar checked before it is stored. */
const REVIEW: readonly KnownCode[] = ['NICKNAME_REFUSED', ...WECHAT, 'WECHAT_DAILY_QUOTA_SPENT'];
/** A message WeChat pushes, signed with the message token. */
const MESSAGE: readonly KnownCode[] = ['MESSAGE_UNSIGNED', 'MESSAGE_SIGNATURE_INVALID', 'MESSAGE_STALE', 'MESSAGE_MALFORMED', 'MESSAGE_ENDPOINT_OFF'];
/** Exchanging a wx.login code (code2Session), or another platform's login code. */
const CODE_EXCHANGE: readonly KnownCode[] = [...WECHAT, 'WECHAT_CODE_INVALID', 'WECHAT_CODE_USED', 'WECHAT_USER_BLOCKED', 'LOGIN_CODE_INVALID'];
/** Decrypting and checking a legacy encrypted payload. */
const OPEN_DATA: readonly KnownCode[] = [
  'OPEN_DATA_SESSION_KEY_INVALID', 'OPEN_DATA_SESSION_KEY_MISSING', 'OPEN_DATA_IV_INVALID', 'OPEN_DATA_MALFORMED', 'OPEN_DATA_DECRYPT_FAILED',
  'OPEN_DATA_WATERMARK_MISMATCH', 'OPEN_DATA_OPENID_MISMATCH', 'OPEN_DATA_SIGNATURE_INVALID', 'PROFILE_ANONYMOUS', 'NOT_OFFERED',
];

/** Keyed by `METHOD /path` as the route is registered (without a mount prefix). */
export const OPERATIONS: Readonly<Record<string, OperationFacts>> = {
  'GET /healthz': { operationId: 'getLiveness', success: 'The process answers', errors: ANY },
  'GET /readyz': { operationId: 'getReadiness', success: 'The process and its database answer', errors: [...STORE, ...ANY] },
  'POST /wx/login': {
    operationId: 'logIn',
    success: 'Logged in: the token and the user',
    errors: [...BODY, 'APP_UNKNOWN', 'RATE_LIMITED', ...CODE_EXCHANGE, ...OPEN_DATA, ...STORE, 'CONCURRENCY_CONFLICT', ...ANY],
  },
  'GET /me': { operationId: 'getMe', success: 'The signed-in user', errors: [...SIGNED_IN, ...STORE, ...ANY] },
  'DELETE /me': { operationId: 'eraseMe', success: 'Erased; every token of the user is revoked', errors: [...BODY, ...SIGNED_IN, ...WRITE, ...ANY] },
  'PUT /me/profile': {
    operationId: 'fillInProfile',
    success: 'The user with the new profile (a nickname or avatar under review is pending)',
    errors: [...BODY, ...SIGNED_IN, ...REVIEW, ...WRITE, ...ANY],
  },
  'POST /me/profile/wechat': {
    operationId: 'importWeChatProfile',
    success: 'The user with the profile from the payload',
    errors: [...BODY, ...SIGNED_IN, ...OPEN_DATA, ...CODE_EXCHANGE, 'CODE_OF_ANOTHER_USER', ...REVIEW, ...WRITE, ...ANY],
  },
  'POST /me/phone': {
    operationId: 'bindPhone',
    success: 'The user with the phone number bound (masked)',
    errors: [...BODY, ...SIGNED_IN, ...WECHAT, 'WECHAT_PHONE_CODE_INVALID', 'WECHAT_PHONE_CODE_USED', 'NOT_OFFERED', 'PHONE_NUMBER_TAKEN', ...WRITE, ...ANY],
  },
  'POST /me/phone/unavailable': {
    operationId: 'reportPhoneUnavailable',
    success: 'Recorded: the phone answered 1400001 (the quota is spent); the user',
    errors: [...BODY, ...SIGNED_IN, ...WRITE, ...ANY],
  },
  'POST /me/consent': {
    operationId: 'recordConsent',
    success: "The person's answer to the privacy guide, on record",
    errors: [...BODY, ...SIGNED_IN, ...WRITE, ...ANY],
  },
  'GET /me/export': {
    operationId: 'exportMyData',
    success: "The person's data and consent history (never a session key)",
    errors: [...SIGNED_IN, ...STORE, ...ANY],
  },
  'GET /wx/messages': {
    operationId: 'checkMessageEndpoint',
    success: "WeChat's echostr, once the signature verifies",
    errors: [...MESSAGE, ...ANY],
    successType: 'text/plain',
  },
  'POST /wx/messages': {
    operationId: 'receiveWeChatMessage',
    success: 'A signed, new message applied (a content verdict); the text success',
    errors: [...BODY, ...MESSAGE, 'MESSAGE_REPLAYED', ...WRITE, ...ANY],
    successType: 'text/plain',
  },
  'POST /auth/logout-all': { operationId: 'logOutEverywhere', success: 'Every token of the user is revoked', errors: [...BODY, ...SIGNED_IN, ...WRITE, ...ANY] },
};

/** The facts of a route, by its method and path as registered (a mount prefix is ignored). */
export function operationOf(method: string, url: string, prefix = ''): OperationFacts | undefined {
  const path = prefix !== '' && url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url;
  return OPERATIONS[`${method.toUpperCase()} ${path}`];
}

/** The operation's error codes grouped by status, codes sorted, statuses ascending. */
export function errorsByStatus(facts: OperationFacts): Array<{ status: number; errors: KnownCode[] }> {
  const byStatus = new Map<number, Set<KnownCode>>();
  for (const code of facts.errors) {
    const status = statusOf(code);
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  return [...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, errors]) => ({ status, errors: [...errors].sort() }));
}

type Json = Record<string, any>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const ERROR_SCHEMA = '#/components/schemas/MiniAuthError';

/** Component schemas the document refers to, following references between them. */
function referencedSchemas(document: Json): Set<string> {
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
          const name = inner.slice('#/components/schemas/'.length);
          if (!used.has(name)) {
            used.add(name);
            visit(document['components']?.['schemas']?.[name]);
          }
        } else visit(inner);
      }
    }
  };
  visit(document['paths']);
  return used;
}

/**
 * The generated document made exact: each operation's id, its success and every error status
 * with the codes it carries, public routes marked as such, a body that may be left out marked
 * optional; a server, a licence, and no component schema that nothing uses.
 */
export function completeDocument(document: Json, prefix = ''): Json {
  for (const [path, item] of Object.entries(document['paths'] as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const facts = operationOf(method, path, prefix);
      if (facts === undefined) continue;
      operation['operationId'] = facts.operationId;
      operation['security'] ??= [];
      const responses: Json = {};
      for (const [status, response] of Object.entries(operation['responses'] as Json)) {
        if (/^[45]XX$/.test(status)) continue;
        const success = status === '200';
        const content = success && facts.successType !== undefined && response.content !== undefined
          ? { [facts.successType]: Object.values(response.content as Json)[0] }
          : response.content;
        responses[status] = { ...response, ...(content === undefined ? {} : { content }), description: success ? facts.success : response.description };
      }
      for (const { status, errors } of errorsByStatus(facts)) {
        responses[String(status)] = {
          description: errors.join(', '),
          content: {
            'application/json': {
              schema: { allOf: [{ $ref: ERROR_SCHEMA }, { type: 'object', properties: { error: { type: 'string', enum: errors } } }] },
            },
          },
        };
      }
      operation['responses'] = responses;
      // A body that may be left out (zod's nullish): fastify-type-provider-zod marks it required.
      const body = operation['requestBody']?.content?.['application/json']?.schema;
      if (body?.anyOf?.some((option: Json) => option['type'] === 'null')) operation['requestBody'].required = false;
    }
  }
  const schemas = document['components']?.['schemas'] as Json | undefined;
  if (schemas !== undefined) {
    const used = referencedSchemas(document);
    for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  }
  document['servers'] = [{ url: prefix === '' ? '/' : prefix.replace(/\/+$/, ''), description: 'This server' }];
  document['info'] = { ...document['info'], license: { name: 'MIT', identifier: 'MIT' } };
  return document;
}
