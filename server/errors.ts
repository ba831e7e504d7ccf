// The typed error model: every failure a client can see is an AppError with an HTTP status,
// a stable UPPER_SNAKE `error`, the mini program `code` convention (-1 login gone, 0 failure)
// and a message written for people. At the end: the fastify handlers that turn any error
// into the `{ code, error, message }` answer.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** `code` in an error body: -1 tells the client its login is gone, 0 is any other failure. */
export type FailureCode = -1 | 0;

export interface AppErrorOptions {
  statusCode: number;
  error: string;
  message: string;
  code?: FailureCode;
  /** Whether sending the same request again (after a wait) may succeed. */
  retryable?: boolean;
  retryAfterSeconds?: number;
  /** WeChat's errcode (server API) or the open-data SDK code (-41001..-41003). */
  errcode?: number;
  /** WeChat's trace id, taken from errmsg (`…, rid: xxx`); WeChat support asks for it. */
  rid?: string;
  /** The request field at fault, e.g. `body.code`. */
  field?: string;
  cause?: unknown;
}

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

export class AppError extends Error {
  readonly statusCode: number;
  readonly error: string;
  readonly code: FailureCode;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly errcode: number | undefined;
  readonly rid: string | undefined;
  readonly field: string | undefined;

  constructor(options: AppErrorOptions) {
    // Error keeps `cause` non-enumerable, so serialisers and loggers do not walk into it.
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = options.statusCode;
    this.error = options.error;
    this.code = options.code ?? 0;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.errcode = options.errcode;
    this.rid = options.rid;
    this.field = options.field;
  }

  /** The answer body; 5xx errors built from our own classes carry messages we wrote. */
  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, error: this.error, message: this.message };
    if (this.retryable) body.retryable = true;
    if (this.retryAfterSeconds !== undefined) body.retryAfterSeconds = this.retryAfterSeconds;
    if (this.errcode !== undefined) body.errcode = this.errcode;
    if (this.rid !== undefined) body.rid = this.rid;
    if (this.field !== undefined) body.field = this.field;
    return body;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** 400: the request is malformed (not JSON, empty body) before any field can be checked. */
export class BadRequestError extends AppError {
  constructor(message = 'The request is malformed.', error = 'BAD_REQUEST') {
    super({ statusCode: 400, error, message });
  }
}

/** 400: a field is missing, of the wrong type, too long or otherwise invalid. */
export class ValidationError extends AppError {
  constructor(field: string | undefined, message: string) {
    super({ statusCode: 400, error: 'VALIDATION_FAILED', message, ...(field ? { field } : {}) });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'The request body is too large.') {
    super({ statusCode: 413, error: 'BODY_TOO_LARGE', message });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'Send the body as application/json.') {
    super({ statusCode: 415, error: 'UNSUPPORTED_MEDIA_TYPE', message });
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.', error = 'NOT_FOUND') {
    super({ statusCode: 404, error, message });
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message?: string, error = 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super({
      statusCode: 429,
      error,
      message: message ?? `Too many requests; try again in ${seconds} s.`,
      retryable: true,
      retryAfterSeconds: seconds,
    });
  }
}

export type TokenErrorKind = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED';

const tokenMessages: Record<TokenErrorKind, string> = {
  TOKEN_MISSING: 'Sign in first: no token was sent.',
  TOKEN_INVALID: 'The token is not valid; sign in again.',
  TOKEN_EXPIRED: 'The login has expired; sign in again.',
  TOKEN_REVOKED: 'The login was ended on every device; sign in again.',
};

/** 401 with `code: -1`: the client drops its token and logs in again. */
export class TokenError extends AppError {
  declare readonly error: TokenErrorKind;
  constructor(kind: TokenErrorKind, message = tokenMessages[kind]) {
    super({ statusCode: 401, error: kind, code: -1, message });
  }
}

/** A failure answered by WeChat (or the way to it); see ./wechat/errcodes.ts for the catalogue. */
export class WeChatError extends AppError {}

/** The legacy encrypted user-info payload did not decrypt or verify (WeChat SDK codes -4100x). */
export class OpenDataError extends AppError {
  constructor(error: string, message: string, errcode?: number) {
    super({ statusCode: 400, error, message, ...(errcode === undefined ? {} : { errcode }) });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The database is unavailable; try again shortly.', error = 'DATABASE_UNAVAILABLE') {
    super({ statusCode: 503, error, message, retryable: true, retryAfterSeconds: 1 });
  }
}

export const INTERNAL_MESSAGE = 'Something went wrong on our side; try again later.';

/** 500: the message shown is always the generic one; the cause goes to the log only. */
export class InternalError extends AppError {
  constructor(cause?: unknown) {
    super({ statusCode: 500, error: 'INTERNAL', message: INTERNAL_MESSAGE, cause });
  }
}

// ---------------------------------------------------------------------------------------
// Mapping any thrown value to an AppError, and the fastify handlers built on it.

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

// PostgreSQL SQLSTATEs meaning "cannot reach or use the database right now", not a bug.
const databaseUnavailable = /^(08...|53300|57P0[1-3])$/;

const statusNames: Record<number, [string, string]> = {
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

/** Any thrown value as an AppError: typed errors pass through, the rest is classified. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!isRecord(error)) return new InternalError(error);
  if (Array.isArray(error['validation']) && error['validation'].length > 0) {
    return fromSchemaValidation(error);
  }
  if (error['name'] === 'ZodError' && Array.isArray(error['issues'])) return fromZodError(error);

  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new BadRequestError('The body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BadRequestError('The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequestError('The body does not match its Content-Length.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError();
  }
  if (code !== undefined && (databaseUnavailable.test(code) || code === 'ECONNREFUSED')) {
    return new ServiceUnavailableError();
  }

  const status = typeof error['statusCode'] === 'number' ? error['statusCode'] : undefined;
  if (status === 429) return new RateLimitedError(60);
  if (status === 503) return new ServiceUnavailableError('The service is overloaded; try again shortly.', 'SERVICE_UNAVAILABLE');
  if (status !== undefined && status >= 400 && status < 500) {
    // fastify's own client errors (a SyntaxError from the JSON parser, a bad header, …):
    // their text may quote the input, so answer with ours.
    const [name, message] = statusNames[status] ?? ['BAD_REQUEST', 'The request is malformed.'];
    return new AppError({ statusCode: status, error: name, message });
  }
  return new InternalError(error);
}

/** What a request log needs from an answer: who, what, and for 5xx the full cause. */
function logFailure(request: FastifyRequest, appError: AppError, original: unknown): void {
  const fields = { statusCode: appError.statusCode, error: appError.error, errcode: appError.errcode, rid: appError.rid };
  if (appError.statusCode >= 500) {
    request.log.error({ ...fields, err: original }, appError.message);
  } else {
    request.log.info(fields, appError.message);
  }
}

/** For `app.setErrorHandler`: every error becomes `{ code, error, message }` with its status. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let appError = toAppError(error);
  if (appError instanceof RateLimitedError && !(error instanceof AppError)) {
    // @fastify/rate-limit has already set retry-after to the real wait: use it in the body.
    appError = new RateLimitedError(Number(reply.getHeader('retry-after')) || 60);
  }
  logFailure(request, appError, error);
  if (appError.retryAfterSeconds !== undefined && (appError.statusCode === 429 || appError.statusCode >= 500)) {
    reply.header('retry-after', String(appError.retryAfterSeconds));
  }
  if (appError instanceof TokenError) {
    const detail = appError.error === 'TOKEN_MISSING' ? '' : ', error="invalid_token"';
    reply.header('www-authenticate', `Bearer realm="miniauth"${detail}`);
  }
  return reply.code(appError.statusCode).type('application/json; charset=utf-8').send(appError.toBody());
}

/** For `app.setNotFoundHandler`: the route is unknown (the query string is not echoed). */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '/';
  const body = new NotFoundError(`No route for ${request.method} ${path}.`).toBody();
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
  const [name, message] = statusNames[status]!;
  const body = JSON.stringify(new AppError({ statusCode: status, error: name, message }).toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
