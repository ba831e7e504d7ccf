// Logging with pino. Tokens, login and phone codes, secrets, session keys and the encrypted
// payload never reach a log line: request bodies are never serialised, sensitive query
// parameters are masked in URLs, and known field names are masked wherever a careless
// `log.info({ headers })` might put them.

import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export const REDACTED = '[Redacted]';

// Field names whose value is a credential or personal data, wherever they appear in a
// logged object (down to MAX_DEPTH levels).
export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'authorization', 'token', 'cookie', 'access_token', 'accessToken',
  'secret', 'appSecret', 'app_secret', 'jwtSecret',
  'session_key', 'sessionKey', 'js_code', 'jsCode', 'phoneCode',
  'encryptedData', 'iv', 'rawData', 'phoneNumber', 'purePhoneNumber',
]);

// `code` is the login or phone code in a request body or query, but also the numeric result
// code of every answer and the code of an error: masked only where a request carries it
// (or at the top of a log call), and never when it is a number.
const CODE_PARENTS = new Set(['', 'body', 'query', 'params', 'payload']);

// Keys that have their own serializer below: it decides what of them is printed.
const SERIALIZED = new Set(['req', 'request', 'res', 'reply', 'body', 'err']);

const MAX_DEPTH = 4;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A copy of the value with sensitive fields masked; the value itself when nothing is (copy on write). */
function scrub(value: unknown, parentKey: string, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const clean = scrub(item, parentKey, depth + 1);
      if (clean !== item) (copy ??= [...value])[index] = clean;
    });
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    if (depth === 0 && SERIALIZED.has(key)) continue;
    const item = value[key];
    let clean: unknown;
    if (SENSITIVE_FIELDS.has(key)) clean = item === undefined ? item : REDACTED;
    else if (key === 'code') clean = typeof item === 'number' || !CODE_PARENTS.has(parentKey) ? item : REDACTED;
    else clean = scrub(item, key, depth + 1);
    if (clean !== item) (copy ??= { ...value })[key] = clean;
  }
  return copy ?? value;
}

/** pino's `formatters.log`: runs on every logged object before the serializers. */
export function scrubLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return scrub(object, '', 0) as Record<string, unknown>;
}

const SENSITIVE_QUERY = /([?&](?:code|js_code|phone_code|token|access_token|secret|appsecret|session_key|signature|encryptedData|iv)=)[^&#]*/gi;

/** The URL with the values of credential-bearing query parameters masked. */
export function redactUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, `$1${REDACTED}`);
}

// Headers worth seeing in a request log; everything else (Authorization, token, cookies) is left out.
const LOGGED_HEADERS = ['user-agent', 'content-type', 'content-length', 'referer', 'x-request-id', 'x-forwarded-for'];

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string; remotePort?: number };
  raw?: { socket?: { remoteAddress?: string; remotePort?: number } };
}

/** A request as a log sees it: method, masked URL, peer and a few harmless headers; never a body. */
function serializeRequest(request: RequestLike): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS) {
    const value = request.headers?.[name];
    if (value !== undefined) headers[name] = name === 'referer' ? redactUrl(String(value)) : value;
  }
  const socket = request.socket ?? request.raw?.socket;
  return {
    method: request.method,
    url: redactUrl(request.url ?? ''),
    remoteAddress: request.ip ?? socket?.remoteAddress,
    remotePort: socket?.remotePort,
    headers,
  };
}

function serializeResponse(reply: { statusCode?: number }): Record<string, unknown> {
  return { statusCode: reply.statusCode };
}

/** A body someone chose to log: its field names only. */
function serializeBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return typeof body === 'undefined' ? undefined : '[body omitted]';
  return { fields: Object.keys(body) };
}

export interface LogSettings {
  level?: string;
}

/** Options for `Fastify({ logger })` or `pino()`. */
export function loggerOptions(settings: LogSettings = {}): LoggerOptions {
  return {
    level: settings.level ?? 'info',
    // A hand-written scrub instead of pino's `redact`: wildcard paths at several depths cost
    // about 60 µs a line, this about 1 µs.
    formatters: { log: scrubLogObject },
    serializers: {
      req: serializeRequest,
      request: serializeRequest,
      res: serializeResponse,
      reply: serializeResponse,
      body: serializeBody,
      err: pino.stdSerializers.err,
    },
  };
}

/** A pino logger for the server (pass it to fastify as `loggerInstance`). */
export function createLogger(settings: LogSettings = {}, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(settings), destination) : pino(loggerOptions(settings));
}
