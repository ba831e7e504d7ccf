// Every failure a client can see, as HTTP: one table from the stable codes of the layers below
// (users, store, providers, services, tokens) and of HTTP itself to a status, and the fastify
// handlers that turn any thrown value into the `{ code, error, message }` answer. `code` keeps
// the mini program convention: -1 tells the client its login is gone, 0 is any other failure.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { AdminErrorCode } from '../admin/errors.js';
import { AppError, RateLimitedError, ValidationError } from '../errors.js';
import type { AppUnknownError, LoginCodeInvalidError } from '../providers/login-provider.js';
import type { OpenDataErrorCode, WeChatErrorCode } from '../providers/wechat/errors.js';
import type { AmbiguousOpenidError } from '../services/audit-trail.js';
import type { ServiceErrorCode } from '../services/errors.js';
import { DatabaseUnavailableError, isDatabaseUnavailable, type StoreErrorCode } from '../store/errors.js';
import type { TokenErrorCode } from '../tokens/errors.js';
import type { UserErrorCode } from '../users/errors.js';

/** `code` in an error body: -1 tells the client its login is gone, 0 is any other failure. */
export type FailureCode = -1 | 0;

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: FailureCode;
  error: string;
  message: string;
  retryable?: boolean;
  retryAfterSeconds?: number;
  errcode?: number;
  rid?: string;
  field?: string;
}

/** The failures only HTTP has: a request that cannot be read at all, a route that is not there. */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_ACCEPTABLE'
  | 'REQUEST_TIMEOUT'
  | 'LENGTH_REQUIRED'
  | 'BODY_TOO_LARGE'
  | 'URI_TOO_LONG'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'HEADERS_TOO_LARGE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export type KnownCode =
  | HttpErrorCode
  | ValidationError['code']
  | RateLimitedError['code']
  | UserErrorCode
  | StoreErrorCode
  | TokenErrorCode
  | WeChatErrorCode
  | OpenDataErrorCode
  | ServiceErrorCode
  | AppUnknownError['code']
  | LoginCodeInvalidError['code']
  | AmbiguousOpenidError['code']
  | AdminErrorCode;

/** Each code's status; a code missing here does not compile. Token refusals end the login. */
const STATUS: { readonly [Code in KnownCode]: number } = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  REQUEST_TIMEOUT: 408,
  LENGTH_REQUIRED: 411,
  BODY_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
  VALIDATION_FAILED: 400,
  RATE_LIMITED: 429,
  USER_NOT_FOUND: 404,
  USER_ERASED: 410,
  PHONE_NUMBER_TAKEN: 409,
  CONCURRENCY_CONFLICT: 409,
  DATABASE_UNAVAILABLE: 503,
  DATABASE_LOCKED: 503,
  PGLITE_IN_PRODUCTION: 500,
  INVALID_DATABASE_CONFIG: 500,
  DATABASE_DRIVER_MISSING: 500,
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  WECHAT_BUSY: 503,
  WECHAT_CODE_INVALID: 400,
  WECHAT_CODE_USED: 400,
  WECHAT_PHONE_CODE_INVALID: 400,
  WECHAT_PHONE_CODE_USED: 400,
  WECHAT_RATE_LIMITED: 429,
  WECHAT_USER_BLOCKED: 403,
  WECHAT_USER_NOT_VISITED: 409,
  WECHAT_DAILY_QUOTA_SPENT: 429,
  WECHAT_MISCONFIGURED: 502,
  WECHAT_ACCESS_TOKEN_INVALID: 502,
  WECHAT_ERROR: 502,
  WECHAT_TIMEOUT: 504,
  WECHAT_UNAVAILABLE: 502,
  OPEN_DATA_SESSION_KEY_INVALID: 400,
  OPEN_DATA_SESSION_KEY_MISSING: 400,
  OPEN_DATA_IV_INVALID: 400,
  OPEN_DATA_MALFORMED: 400,
  OPEN_DATA_DECRYPT_FAILED: 400,
  OPEN_DATA_WATERMARK_MISMATCH: 400,
  OPEN_DATA_OPENID_MISMATCH: 400,
  OPEN_DATA_SIGNATURE_INVALID: 400,
  PROFILE_ANONYMOUS: 422,
  NICKNAME_REFUSED: 422,
  MESSAGE_UNSIGNED: 403,
  MESSAGE_SIGNATURE_INVALID: 403,
  MESSAGE_STALE: 403,
  MESSAGE_REPLAYED: 409,
  MESSAGE_MALFORMED: 400,
  MESSAGE_ENDPOINT_OFF: 404,
  CODE_OF_ANOTHER_USER: 403,
  NOT_OFFERED: 400,
  APP_UNKNOWN: 400,
  LOGIN_CODE_INVALID: 400,
  OPENID_AMBIGUOUS: 400,
  ADMIN_SIGN_IN_REQUIRED: 401,
  ADMIN_SIGN_IN_FAILED: 401,
  ADMIN_LOCKED_OUT: 429,
  ADMIN_ORIGIN_REFUSED: 403,
  ADMIN_CSRF_INVALID: 403,
  ADMIN_CONFIRMATION_REQUIRED: 400,
};

const LOGIN_GONE = new Set<string>(['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']);

export const INTERNAL_MESSAGE = 'Something went wrong on our side; try again later.';

/** An error with a code of HTTP's own (a request the framework refused before any route). */
export class HttpError extends AppError<HttpErrorCode> {}

/** Every known code with its status and whether it ends the login, sorted by code (for the docs). */
export function errorAnswers(): Array<{ error: KnownCode; status: number; loginGone: boolean }> {
  return (Object.keys(STATUS) as KnownCode[])
    .sort()
    .map((error) => ({ error, status: STATUS[error], loginGone: LOGIN_GONE.has(error) }));
}

/** The status of a code; an unknown code is our bug: 500. */
export function statusOf(code: string): number {
  return (STATUS as Record<string, number | undefined>)[code] ?? 500;
}

/** The answer body; a 5xx that is not one of ours says nothing of its cause. */
export function errorBody(error: AppError): ErrorBody {
  const body: ErrorBody = { code: LOGIN_GONE.has(error.code) ? -1 : 0, error: error.code, message: error.message };
  if (error.retryable) body.retryable = true;
  if (error.retryAfterSeconds !== undefined) body.retryAfterSeconds = error.retryAfterSeconds;
  if (error.errcode !== undefined) body.errcode = error.errcode;
  if (error.rid !== undefined) body.rid = error.rid;
  if (error.field !== undefined) body.field = error.field;
  return body;
}

// ---------------------------------------------------------------------------------------
// Any thrown value as an AppError.

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function fieldOf(context: unknown, path: string): string | undefined {
  const parts = [typeof context === 'string' ? context : undefined, path || undefined];
  const field = parts.filter(Boolean).join('.');
  return field || undefined;
}

/** fastify's schema validation (ajv or the zod type provider): the first issue, with its field. */
function fromSchemaValidation(error: Record<string, unknown>): ValidationError {
  const issues = error['validation'] as ValidationIssue[];
  const first = issues[0] ?? {};
  let path = (first.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const missing = first.params?.['missingProperty'];
  if (!path && typeof missing === 'string') path = missing;
  const field = fieldOf(error['validationContext'], path);
  const detail = first.message ?? 'is invalid';
  return new ValidationError(field, field ? `${field}: ${detail}` : `Invalid request: ${detail}`);
}

/** A ZodError thrown by a handler's own parse (zod 4 issues carry `path` and `message`). */
function fromZodError(error: Record<string, unknown>): ValidationError {
  const issues = error['issues'] as Array<{ path?: PropertyKey[]; message?: string }>;
  const first = issues[0] ?? {};
  const field = (first.path ?? []).map(String).join('.') || undefined;
  const detail = first.message ?? 'is invalid';
  return new ValidationError(field, field ? `${field}: ${detail}` : `Invalid input: ${detail}`);
}

const byStatus: Record<number, [HttpErrorCode, string]> = {
  400: ['BAD_REQUEST', 'The request is malformed.'],
  401: ['UNAUTHORIZED', 'Sign in first.'],
  403: ['FORBIDDEN', 'This is not allowed.'],
  404: ['NOT_FOUND', 'Not found.'],
  405: ['METHOD_NOT_ALLOWED', 'This method is not allowed here.'],
  406: ['NOT_ACCEPTABLE', 'No acceptable representation.'],
  408: ['REQUEST_TIMEOUT', 'The request took too long to arrive.'],
  411: ['LENGTH_REQUIRED', 'Send a Content-Length.'],
  413: ['BODY_TOO_LARGE', 'The request body is too large.'],
  414: ['URI_TOO_LONG', 'The address is too long.'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'],
  431: ['HEADERS_TOO_LARGE', 'The request headers are too large.'],
};

const httpError = (status: number): HttpError => {
  const [code, message] = byStatus[status] ?? ['BAD_REQUEST', 'The request is malformed.'];
  return new HttpError(code, message);
};

/** Any thrown value as an AppError: typed errors pass through, the rest is classified. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!isRecord(error)) return new HttpError('INTERNAL', INTERNAL_MESSAGE, { cause: error });
  if (Array.isArray(error['validation']) && error['validation'].length > 0) return fromSchemaValidation(error);
  if (error['name'] === 'ZodError' && Array.isArray(error['issues'])) return fromZodError(error);

  switch (typeof error['code'] === 'string' ? error['code'] : undefined) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError('BAD_REQUEST', 'The body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError('BAD_REQUEST', 'The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError('BAD_REQUEST', 'The body does not match its Content-Length.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpError(413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return httpError(415);
  }
  if (isDatabaseUnavailable(error)) return new DatabaseUnavailableError(error);

  const status = typeof error['statusCode'] === 'number' ? error['statusCode'] : undefined;
  if (status === 429) return new RateLimitedError(60);
  if (status === 503) {
    return new HttpError('SERVICE_UNAVAILABLE', 'The service is overloaded; try again shortly.', { retryable: true, retryAfterSeconds: 1 });
  }
  // fastify's own client errors (a SyntaxError from the JSON parser, a bad header, …): their
  // text may quote the input, so answer with ours.
  if (status !== undefined && status >= 400 && status < 500) return httpError(status);
  return new HttpError('INTERNAL', INTERNAL_MESSAGE, { cause: error });
}

/** What a request log needs from an answer: who, what, and for 5xx the full cause. */
function logFailure(request: FastifyRequest, status: number, appError: AppError, original: unknown): void {
  const fields = { statusCode: status, error: appError.code, errcode: appError.errcode, rid: appError.rid };
  if (status >= 500) request.log.error({ ...fields, err: original }, appError.message);
  else request.log.info(fields, appError.message);
}

/** For `app.setErrorHandler`: every error becomes `{ code, error, message }` with its status. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let appError = toAppError(error);
  if (appError instanceof RateLimitedError && !(error instanceof AppError)) {
    // @fastify/rate-limit has already set retry-after to the real wait: use it in the body.
    appError = new RateLimitedError(Number(reply.getHeader('retry-after')) || 60);
  }
  if (!(appError.code in STATUS)) {
    // A code nobody gave a status: our bug, answered as one.
    appError = new HttpError('INTERNAL', INTERNAL_MESSAGE, { cause: error });
  }
  const status = statusOf(appError.code);
  logFailure(request, status, appError, error);
  if (appError.retryAfterSeconds !== undefined && (status === 429 || status >= 500)) {
    reply.header('retry-after', String(appError.retryAfterSeconds));
  }
  if (LOGIN_GONE.has(appError.code)) {
    const detail = appError.code === 'TOKEN_MISSING' ? '' : ', error="invalid_token"';
    reply.header('www-authenticate', `Bearer realm="miniauth"${detail}`);
  }
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(appError));
}

/** For `app.setNotFoundHandler`: the route is unknown (the query string is not echoed). */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '/';
  const body = errorBody(new HttpError('NOT_FOUND', `No route for ${request.method} ${path}.`));
  return reply.code(404).type('application/json; charset=utf-8').send(body);
}

/**
 * For `Fastify({ clientErrorHandler })`: a request that node's HTTP parser refuses before
 * fastify sees it (bad framing, headers over the size limit, too slow to arrive) gets the same
 * typed body as every other failure, instead of fastify's `{ error, message, statusCode }`.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify(errorBody(httpError(status)));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
